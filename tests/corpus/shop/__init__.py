"""MySQL/MariaDB drivers of the web shop (PyMySQL).

The writer is registered here with a smaller batch size than its default,
because the shop database runs with a small ``max_allowed_packet``.
"""

from osiris.core.driver import DriverRegistry

from .mysql_writer_driver import MysqlWriterDriver

DriverRegistry.register("mysql.writer", MysqlWriterDriver(batch_size=500))
