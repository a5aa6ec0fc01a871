"""OSD902 unused-suppression."""

from ..engine.rule import Example, Rule


class UnusedSuppression(Rule):
    code = "OSD902"
    name = "unused-suppression"
    message = "{detail}"
    reported_by_engine = True
    explanation = """
## What it checks
With `--report-unused-suppressions`: suppression comments that suppress nothing, one
finding per unused code (`# osiris-lint: disable=...`, `disable-file=...`, `# noqa:
OSDnnn`). A bare `# noqa` is never reported, since it may serve another tool, and codes
that are not `OSD` codes are left to their tools.

## Why
A suppression outlives the finding it was written for; left in place, it silently hides
the next real finding on that line.

## Fix
Delete the code from the comment, or the comment.
"""
    VALID = [
        Example("""
            def dump(rows):
                print(rows)  # noqa: OSD020


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
        Example("""
            # osiris-lint: disable-file=OSD020
            def dump(rows):
                print(rows)


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
        Example("""
            def dump(rows):
                # osiris-lint: disable=OSD020
                print(rows)
                return len(rows)  # noqa


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
    ]
    INVALID = [
        Example("""
            def dump(rows):
                return len(rows)  # noqa: OSD020  # expect: OSD902


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
        Example("""
            # osiris-lint: disable-file=OSD020,OSD031  # expect: OSD902
            def dump(rows):
                print(rows)


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
        Example("""
            def dump(rows):
                # osiris-lint: disable=OSD020  # expect: OSD902

                print(rows)  # expect: OSD020


            class EventsWriterDriver:
                def run(self, step_id, config, inputs, ctx):
                    return {}
        """, path="events_writer_driver.py"),
    ]
