"""A connection to the CRM team's local development database."""

import pymysql


def dev_connection() -> pymysql.connections.Connection:
    """Only for a laptop: the password below is committed with the code."""
    return pymysql.connect(host="127.0.0.1", user="crm", password="crm-dev-2023", database="crm_dev", connect_timeout=5)
