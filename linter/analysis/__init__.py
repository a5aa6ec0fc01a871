"""The analysis every rule shares, computed once per file: the driver classes and
registrations (drivers), imports and qualified names (names), the fast traversal
(walk), a function's pieces and statements, the path-sensitive walk (flow), the call
graph from ``run`` to any depth (reach) and the data flow along it (dataflow, held).
An analysis only one rule needs lives beside that rule, in its package under rules/."""
