"""newsflow: turn raw news articles into validated, analytics-ready Parquet tables.

The package is plain Python (no Airflow imports): one module per pipeline stage.
Airflow DAGs under ``dags/`` and the ``newsflow`` command line both call it.
"""

__version__ = "0.1.0"
