# The newsflow Airflow image for docker-compose.yaml: the official Airflow 3.3.2 image plus the
# pinned runtime dependencies (requirements.txt; not requirements-dev.txt: no test tools in the
# image) and the newsflow package (include/). Build: docker compose build
FROM apache/airflow:3.3.2-python3.11

COPY --chown=airflow:0 requirements.txt constraints.txt pyproject.toml README.md /opt/newsflow/
COPY --chown=airflow:0 include /opt/newsflow/include
RUN pip install --no-cache-dir -r /opt/newsflow/requirements.txt -c /opt/newsflow/constraints.txt \
 && pip install --no-cache-dir --no-deps -e /opt/newsflow
