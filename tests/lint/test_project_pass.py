"""What only the whole project tells: registrations in other files decide which
classes are drivers, their category, and whether they are registered."""

from .support import lint_files

PLAIN = '''\
class {name}:
    def run(self, step_id, config, inputs, ctx):
        ctx.log_metric("{metric}", 0)
        return {returns}
'''


# The rules whose findings depend on what other files register.
PROJECT_DEPENDENT = frozenset({"OSD003", "OSD005", "OSD010"})


def found(files):
    return sorted((f.path, f.code) for f in lint_files(files, codes=PROJECT_DEPENDENT).findings)


def test_registration_in_the_package_init_counts_also_through_an_alias():
    assert found({
        "acme/pg_extractor_driver.py": PLAIN.format(name="PgExtractorDriver", metric="rows_read",
                                                     returns='{"df": None}'),
        "acme/__init__.py": "from osiris.core.driver import DriverRegistry as R\n"
                            "from .pg_extractor_driver import PgExtractorDriver\n\n"
                            "R.register('postgres.extractor', PgExtractorDriver())\n",
    }) == []


def test_a_registration_key_elsewhere_decides_the_category():
    # Neither the file nor the class name says "writer"; the key in __init__.py does,
    # so the writer's metric is required.
    files = {
        "acme/postgres_driver.py": PLAIN.format(name="PostgresDriver", metric="rows_read",
                                                returns="{}"),
        "acme/__init__.py": "from osiris.core.driver import DriverRegistry\n"
                            "from .postgres_driver import PostgresDriver\n\n"
                            "DriverRegistry.register('postgres.writer', PostgresDriver())\n",
    }
    outcome = lint_files(files)
    [metric] = [f for f in outcome.findings if f.code == "OSD010"]
    assert metric.path == "acme/postgres_driver.py" and '"rows_written"' in metric.message


def test_a_class_registered_elsewhere_is_a_driver_whatever_its_name():
    files = {
        "jobs/sync.py": "class Sync:\n    def run(self, step_id, config, inputs, ctx):\n"
                        "        return {'df': None}\n",
        "jobs/__init__.py": "from osiris.core.driver import DriverRegistry\nfrom .sync import Sync\n\n"
                            "DriverRegistry.register('sync.extractor', Sync())\n",
    }
    assert found(files) == [("jobs/sync.py", "OSD010")]


def test_a_registration_in_another_package_does_not_register():
    files = {
        "drivers/orders_extractor_driver.py": PLAIN.format(
            name="OrdersExtractorDriver", metric="rows_read", returns='{"df": None}'),
        "drivers/__init__.py": "",
        "app/__init__.py": "",
        "app/setup.py": "from osiris.core.driver import DriverRegistry\n"
                        "from drivers.orders_extractor_driver import OrdersExtractorDriver\n\n"
                        "DriverRegistry.register('orders.extractor', OrdersExtractorDriver())\n",
    }
    assert found(files) == [("drivers/orders_extractor_driver.py", "OSD003")]


def test_duplicates_are_reported_in_both_files_with_the_other_place_named():
    registered = ("from osiris.core.driver import DriverRegistry\n\n" + PLAIN +
                  "\n\nDriverRegistry.register('pg.extractor', {name}())\n")
    outcome = lint_files({
        "a/pg_extractor_driver.py": registered.format(name="AExtractorDriver", metric="rows_read",
                                                      returns='{"df": None}'),
        "b/pg_extractor_driver.py": registered.format(name="BExtractorDriver", metric="rows_read",
                                                      returns='{"df": None}'),
    })
    duplicates = [f for f in outcome.findings if f.code == "OSD005"]
    assert [(f.path, f.line) for f in duplicates] == [("a/pg_extractor_driver.py", 9),
                                                      ("b/pg_extractor_driver.py", 9)]
    assert "(also in b/pg_extractor_driver.py)" in duplicates[0].message
