"""What the check reports while importing: registration form, duplicates and
driver classes that registered nothing, with the contract's exceptions."""

import textwrap

from osiris_driver_kit.runtime.check import check_drivers


def findings(tmp_path, source):
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "shop_writer_driver.py").write_text(textwrap.dedent(source))
    report = check_drivers(tmp_path / "drivers", {}, tmp_path / "work")
    return [(f.code, f.observed) for f in report.problems]


def test_abstract_bases_and_helpers_are_not_unregistered_drivers(tmp_path):
    assert findings(tmp_path, """
        import abc


        class BaseShopWriterDriver:
            def run(self, step_id, config, inputs, ctx):
                return {}


        class ShopMixinDriver(abc.ABC):
            def run(self, step_id, config, inputs, ctx):
                return {}


        class Helper:
            def close(self):
                pass
    """) == []


def test_a_key_that_contradicts_the_drivers_category_is_a_registration_form_finding(tmp_path):
    [(code, observed)] = findings(tmp_path, """
        from osiris.core.driver import DriverRegistry


        class ShopExtractorDriver:
            def run(self, step_id, config, inputs, ctx):
                return {"df": None}


        DriverRegistry.register("shop.extractor", ShopExtractorDriver())
    """)[:1]
    assert code == "OSD004"
    assert observed == "'shop.extractor' says extractor, but ShopExtractorDriver is a writer."
