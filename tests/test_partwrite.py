"""The validated files written a slice at a time are the files writing the whole table gives."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import partwrite, rowgroups, tables
from newsflow.lake import sort_rows, write_parquet

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP"]
IDS = [f"{i:020x}" for i in (0, 7, 0xabc, 0xffff, 0x123456)]

entity_row = st.fixed_dictionaries({
    "article_id": st.sampled_from(IDS),
    "label": st.sampled_from(LABELS),
    "canonical": st.sampled_from(["Xi Jinping", "Leeds", "Ünïcode", "", "a"]),
    "text": st.text(max_size=8),
    "start": st.integers(0, 50),
    "end": st.integers(0, 60),
    "sentence_index": st.integers(0, 5),
})
sentence_row = st.fixed_dictionaries({
    "article_id": st.sampled_from(IDS), "paragraph_index": st.integers(0, 3), "sentence_index": st.integers(0, 30),
    "start": st.integers(0, 900),
    "end": st.integers(0, 999), "text": st.text(max_size=20)})


def _parts(tmp: Path, spec: tables.Table, rows_per_part: list[list[dict]], presorted: bool = False,
           group_rows: int | None = None) -> list[Path]:
    """Parts as given, or each sorted like the file (as validation writes them), in row groups
    of ``group_rows`` so a slice reads only some of a part's groups."""
    paths = []
    for i, rows in enumerate(rows_per_part):
        path = tmp / f"part-{i}.parquet"
        t = spec.from_rows(rows)
        pq.write_table(partwrite.sort_part(t, spec) if presorted else t, path, row_group_size=group_rows)
        paths.append(path)
    return paths


def _whole(tmp: Path, spec: tables.Table, parts: list[Path], sort_by: str | None) -> Path:
    whole = pa.concat_tables([pq.read_table(p) for p in parts]) if parts else spec.empty()
    return write_parquet(sort_rows(whole, sort_by), tmp / "whole.parquet", sort_by=sort_by)


def _same_file(a: Path, b: Path) -> None:
    ta, tb = pq.read_table(a), pq.read_table(b)
    assert ta.equals(tb)
    ma, mb = pq.read_metadata(a), pq.read_metadata(b)
    assert [ma.row_group(i).num_rows for i in range(ma.num_row_groups)] == \
        [mb.row_group(i).num_rows for i in range(mb.num_row_groups)]
    assert ma.row_group(0).sorting_columns == mb.row_group(0).sorting_columns


PROPERTY = settings(deadline=None, max_examples=120,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@PROPERTY
@given(st.lists(st.lists(entity_row, max_size=30), max_size=6), st.integers(1, 40), st.booleans(),
       st.integers(1, 9))
def test_entities_written_in_slices_equal_the_whole_table_written_at_once(tmp_path_factory, parts, chunk,
                                                                           presorted, group_rows):
    tmp = tmp_path_factory.mktemp("ents")
    spec = tables.TABLES["entities"]
    paths = _parts(tmp, spec, parts, presorted, group_rows)
    out = tmp / "sliced.parquet"
    n = partwrite.write_parts(paths, out, spec, chunk_rows=chunk)
    assert n == sum(len(p) for p in parts)
    _same_file(out, _whole(tmp, spec, paths, "article_id"))


@PROPERTY
@given(st.lists(st.lists(sentence_row, max_size=25), max_size=5), st.integers(1, 30), st.booleans(),
       st.integers(1, 9))
def test_sentences_written_in_slices_keep_article_order_and_ties(tmp_path_factory, parts, chunk, presorted,
                                                                 group_rows):
    tmp = tmp_path_factory.mktemp("sents")
    spec = tables.TABLES["sentences"]
    paths = _parts(tmp, spec, parts, presorted, group_rows)
    out = tmp / "sliced.parquet"
    partwrite.write_parts(paths, out, spec, chunk_rows=chunk)
    _same_file(out, _whole(tmp, spec, paths, "article_id"))


def test_row_groups_close_at_label_changes_across_slices(tmp_path, monkeypatch):
    """Thousands of rows per label, slices smaller than a group: the groups are those of the
    whole table (cut where the label changes once a group holds LABEL_GROUP_MIN rows)."""
    monkeypatch.setattr(rowgroups, "LABEL_GROUP_MIN", 50)
    monkeypatch.setattr(rowgroups, "ROW_GROUP_SIZE", 120)
    spec = tables.TABLES["entities"]
    rows = [[{"article_id": IDS[i % 5], "label": LABELS[(i * 7 + p) % 4], "canonical": f"n{i % 13}", "start": i,
              "end": i + 1, "text": "x", "sentence_index": 0} for i in range(170)] for p in range(4)]
    paths = _parts(tmp_path, spec, rows)
    out = tmp_path / "sliced.parquet"
    partwrite.write_parts(paths, out, spec, chunk_rows=37)
    _same_file(out, _whole(tmp_path, spec, paths, "article_id"))
    assert pq.read_metadata(out).num_row_groups > 4


def test_unsorted_table_keeps_the_parts_order_then_the_extra_rows(tmp_path):
    spec = tables.QUARANTINE
    rows = [[{"stage": "fetch", "source": f"s{p}", "reason": f"r{i}", "run_id": "r"} for i in range(3)]
            for p in range(3)]
    paths = _parts(tmp_path, spec, rows)
    extra = spec.from_rows([{"stage": "validate", "source": "x", "reason": "late", "run_id": "r"}])
    out = tmp_path / "q.parquet"
    assert partwrite.write_parts(paths, out, spec, sort_by=None, extra=extra, chunk_rows=2) == 10
    got = pq.read_table(out)
    assert got["source"].to_pylist() == ["s0"] * 3 + ["s1"] * 3 + ["s2"] * 3 + ["x"]
    assert got["reason"].to_pylist()[:3] == ["r0", "r1", "r2"]


def test_no_parts_write_an_empty_file_with_the_contract_schema(tmp_path):
    spec = tables.TABLES["numbers"]
    out = tmp_path / "n.parquet"
    assert partwrite.write_parts([], out, spec) == 0
    assert pq.read_table(out).schema.equals(spec.schema)


def test_extra_rows_are_refused_for_sorted_tables(tmp_path):
    with pytest.raises(ValueError):
        partwrite.write_parts([], tmp_path / "a.parquet", tables.TABLES["articles"],
                              extra=tables.TABLES["articles"].empty())


def test_text_heavy_rows_are_cut_into_groups_of_bounded_bytes(tmp_path, monkeypatch):
    """Long article texts: groups close at about ROW_GROUP_BYTES of text, written whole or a
    slice at a time alike, so no group (and no slice) holds a run's texts at once."""
    monkeypatch.setattr(rowgroups, "ROW_GROUP_BYTES", 10_000)
    spec = tables.TABLES["sentences"]
    rows = [[{"article_id": IDS[(i + p) % 5], "paragraph_index": 0, "sentence_index": i, "start": 0, "end": 900,
              "text": "x" * 900} for i in range(40)] for p in range(3)]
    paths = _parts(tmp_path, spec, rows)
    out = tmp_path / "sliced.parquet"
    partwrite.write_parts(paths, out, spec, chunk_rows=7)
    _same_file(out, _whole(tmp_path, spec, paths, "article_id"))
    meta = pq.read_metadata(out)
    assert meta.num_row_groups >= 10 and all(meta.row_group(i).num_rows <= 11 for i in range(meta.num_row_groups))
