import json

from newsflow.fetch import LocalFetcher, RawArticle, Rejected, fetch_all
from newsflow.settings import SAMPLES_DIR


def _fetch(*paths):
    return fetch_all([LocalFetcher(tuple(map(str, paths)))])


def test_reads_every_format(tmp_path):
    (tmp_path / "a.txt").write_text("Plain text article.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><article><p>" + "Body text here. " * 20 + "</p></article></body></html>")
    (tmp_path / "c.json").write_text(json.dumps({"id": "c-1", "title": "T", "text": "Json text.", "language": "en"}))
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": "One."}) + "\n\n" + json.dumps({"id": "x", "html": "<p>Two.</p>"}) + "\n")
    res = _fetch(tmp_path)
    assert res.rejected == []
    by_id = {a.external_id: a for a in res.articles}
    assert set(by_id) == {"a", "b", "c-1", "d:1", "x"}
    assert by_id["a"].text == "Plain text article."
    assert by_id["b"].html and by_id["b"].text is None
    assert by_id["c-1"].title == "T" and by_id["c-1"].language == "en"


def test_bad_inputs_are_rejected_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\x00" * 50)
    (tmp_path / "broken.json").write_text('{"text": "unterminated')
    (tmp_path / "notext.json").write_text('{"id": "n1", "title": "only a title"}')
    (tmp_path / "list.json").write_text('[1, 2]')
    (tmp_path / "mixed.jsonl").write_text('{"text": "Good one."}\nnot json at all\n')
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    res = _fetch(tmp_path, tmp_path / "missing.txt")
    reasons = {r.external_id: r.reason for r in res.rejected}
    assert reasons["empty"] == "empty file"
    assert reasons["blank"] == "empty file"
    assert "binary" in reasons["binary"]
    assert reasons["broken"].startswith("invalid JSON")
    assert "no non-empty 'text' or 'html'" in reasons["n1"]
    assert "expected a JSON object" in reasons["list"]
    assert reasons["mixed:2"].startswith("invalid JSON on line 2")
    assert "unsupported file type '.png'" in reasons["image"]
    assert reasons["missing"] == "input path does not exist"
    assert [a.external_id for a in res.articles] == ["mixed:1"]
    assert all(r.stage == "fetch" and r.payload for r in res.rejected)


def test_latin1_file_is_decoded(tmp_path):
    (tmp_path / "old.txt").write_bytes("Le café de la gare a fermé ses portes après trente années.".encode("latin-1"))
    (article,) = _fetch(tmp_path).articles
    assert "café" in article.text and "fermé" in article.text


def test_unreadable_file(tmp_path, monkeypatch):
    f = tmp_path / "locked.txt"
    f.write_text("secret")
    real = type(f).read_bytes

    def deny(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(type(f), "read_bytes", deny)
    res = _fetch(f)
    assert res.articles == []
    assert res.rejected[0].reason == "cannot read file: Permission denied"


def test_a_failing_source_does_not_sink_the_others():
    class Broken:
        name = "broken"

        def fetch(self):
            yield RawArticle(external_id="ok-before", source="broken", text="fine")
            raise ConnectionError("feed went away")

    res = fetch_all([Broken(), LocalFetcher((str(SAMPLES_DIR / "001_sample_ecb_rates.txt"),))])
    assert {a.external_id for a in res.articles} == {"ok-before", "001_sample_ecb_rates"}
    assert len(res.rejected) == 1 and isinstance(res.rejected[0], Rejected)
    assert "feed went away" in res.rejected[0].reason


def test_samples_are_all_readable():
    res = _fetch(SAMPLES_DIR)
    assert res.rejected == []
    assert len(res.articles) >= 13
