"""External public documents: the manifest, where they are looked up, fetching them, treaty articles."""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from declaraciones_nlp import external
from declaraciones_nlp.classify.data import RefResolver, load_labelled, missing_note
from declaraciones_nlp.cli import app
from declaraciones_nlp.external.fetch import fetch
from declaraciones_nlp.external.treaties import articles

AGREEMENT_TEXT = """# source: example/archive pe/DS-1-2000-RE.md @ commit 0123456789abcdef0123456789abcdef01234567
# official_url: https://example.org/norma/1
# date: 2000-01-01
# title: Convenio de prueba

Convenio entre la República A y la República B

     Las Partes, deseando cooperar;

     HAN CONVENIDO EN LO SIGUIENTE:

     ARTICULO I

     Las Partes cooperarán en la lucha contra el tráfico ilícito de drogas.

     Artículo 2.- Las Partes intercambiarán información
     sobre rutas y métodos.

     ARTÍCULO III

     El presente Convenio entrará en vigor en la fecha de la última notificación.

     Hecho en Lima, en dos ejemplares originales.

     POR EL GOBIERNO DE LA REPÚBLICA A

MEMORÁNDUM ANEXO

     Primero.- Los Ministros se comprometen a promover el comercio fronterizo.
"""

# The same agreement as a legal-gazette archive publishes it: front matter, headings, bold titles.
AGREEMENT_MARKDOWN = """---
title: Convenio de prueba
identifier: DS-1-2000-RE
---
# Convenio entre la República A y la República B

     Las Partes, deseando cooperar;

     **HAN CONVENIDO EN LO SIGUIENTE:**

     **ARTICULO I
**

     Las Partes cooperarán en la lucha contra el tráfico ilícito de drogas.

     Artículo 2.- Las Partes intercambiarán información
     sobre rutas y métodos.

**ARTÍCULO III**

     El presente Convenio entrará en vigor en la fecha de la última notificación.

     Hecho en Lima, en dos ejemplares originales.

     POR EL GOBIERNO DE LA REPÚBLICA A

## MEMORÁNDUM ANEXO

     Primero.- Los Ministros se comprometen a promover el comercio fronterizo.
"""


def test_articles_of_an_agreement_in_order_whole_and_without_signatures():
    found = articles(AGREEMENT_TEXT)
    assert [(a.n, a.heading) for a in found] == [(1, "ARTICULO I"), (2, "Artículo 2"), (3, "ARTÍCULO III"),
                                                 (4, "Primero")]
    assert found[1].text == "Las Partes intercambiarán información sobre rutas y métodos."
    assert found[2].text == "El presente Convenio entrará en vigor en la fecha de la última notificación."
    assert found[3].text == "Los Ministros se comprometen a promover el comercio fronterizo."


def test_the_archive_markdown_and_the_plain_copy_give_the_same_articles_and_checksum():
    assert [(a.n, a.sha1) for a in articles(AGREEMENT_MARKDOWN)] == [(a.n, a.sha1) for a in articles(AGREEMENT_TEXT)]
    assert external.content_sha256(AGREEMENT_MARKDOWN) == external.content_sha256(AGREEMENT_TEXT)
    assert external.content_sha256(AGREEMENT_TEXT) != external.content_sha256(AGREEMENT_TEXT.replace("drogas", "armas"))


def test_manifest_lists_every_referenced_document_once():
    entries = external.read_manifest()
    keys = [entry.key for entry in entries]
    assert len(keys) == len(set(keys)) and {e.collection for e in entries} == set(external.COLLECTIONS)
    listed = set(keys)
    for path in sorted((Path(__file__).resolve().parents[1] / "corpus" / "labeled").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            ref = json.loads(line).get("ref") if line.strip() else None
            if ref:
                assert f"{ref.get('collection', 'us-statements')}/{ref['file']}" in listed, (path.name, ref)
    assert all(e.url.startswith("https://raw.githubusercontent.com/") and len(e.sha256) == 64 for e in entries)


def test_a_data_folder_that_does_not_exist_is_the_only_place_looked_at(monkeypatch, tmp_path):
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "nowhere"))
    assert external.search_roots() == [tmp_path / "nowhere"]
    assert external.collection_dir("us-statements") is None
    assert external.locate("us-statements", "2021-03-01-u-s-mexico-joint-declaration.md") is None


def test_labelled_items_of_missing_documents_are_left_out_and_counted(monkeypatch, tmp_path):
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "nowhere"))
    path = tmp_path / "mixed.jsonl"
    lines = [
        {"text": "Combatir el narcotráfico.", "labels": ["security"], "lang": "es", "doc": "a"},
        {"ref": {"file": "2021-03-01-u-s-mexico-joint-declaration.md", "n": 1}, "sha1": "0" * 40,
         "labels": ["governance"], "lang": "en", "doc": "b"},
        {"ref": {"collection": "treaties-es", "file": "pe/DS-005-2005-RE.txt", "n": 3}, "sha1": "1" * 40,
         "labels": ["governance"], "lang": "es", "doc": "c", "kind": "articles"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    resolver = RefResolver()
    items = load_labelled([path], resolver)
    assert [item.text for item in items] == ["Combatir el narcotráfico."]
    assert resolver.missing == {"us-statements": 1, "treaties-es": 1}
    note = missing_note(resolver.missing)
    assert "2 labelled items left out" in note and "declaraciones data fetch" in note and "DECLARACIONES_DATA" in note


def test_a_reference_with_a_broken_label_is_refused_even_when_its_document_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "nowhere"))
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"ref": {"file": "x.md", "n": 1}, "sha1": "0" * 40, "labels": ["nope"]}) + "\n"
                    + json.dumps({"text": "Comercio.", "labels": ["trade"]}) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad.jsonl:1: unknown axis 'nope'"):
        load_labelled([path], RefResolver())


def test_treaty_references_resolve_to_articles(treaties_dir, tmp_path):
    name = "pe/DS-005-2005-RE.txt"
    third = articles(external.read_text(treaties_dir / name))[2]
    record = {"ref": {"collection": "treaties-es", "file": name, "n": 3},
              "sha1": hashlib.sha1(third.text.encode()).hexdigest(), "labels": ["governance"], "lang": "es",
              "doc": "treaties-es/pe/DS-005-2005-RE", "kind": "articles"}
    item = load_labelled([_write_jsonl(tmp_path / "t.jsonl", [record])], RefResolver())[0]
    assert item.text == third.text and item.subset == "treaties-es" and item.n == 3
    record["sha1"] = "0" * 40
    with pytest.raises(Exception, match=r"t.jsonl:1: ref pe/DS-005-2005-RE.txt#3: sha1 mismatch"):
        load_labelled([_write_jsonl(tmp_path / "t.jsonl", [record])], RefResolver())


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


# -- fetching -------------------------------------------------------------------
@pytest.fixture
def mirror(tmp_path):
    """An HTTP server on 127.0.0.1 serving a folder laid out as <collection>/<name>."""
    root = tmp_path / "served"
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _manifest(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["\t".join(external.MANIFEST_COLUMNS)] + ["\t".join(row + ("test",)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_fetch_downloads_checks_and_refuses(mirror, tmp_path, monkeypatch):
    root, base = mirror
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "target"))  # nothing is here before the fetch
    good, corrupt = AGREEMENT_TEXT, AGREEMENT_TEXT.replace("drogas", "armas")
    (root / "treaties-es" / "pe").mkdir(parents=True)
    (root / "treaties-es" / "pe" / "good.txt").write_text(good, encoding="utf-8")
    (root / "treaties-es" / "pe" / "corrupt.txt").write_text(corrupt, encoding="utf-8")
    manifest = _manifest(tmp_path / "MANIFEST.tsv", [
        ("treaties-es", "pe/good.txt", external.content_sha256(good), f"{base}/treaties-es/pe/good.txt"),
        ("treaties-es", "pe/corrupt.txt", external.content_sha256(good), f"{base}/treaties-es/pe/corrupt.txt"),
        ("treaties-es", "pe/absent.txt", external.content_sha256(good), f"{base}/treaties-es/pe/absent.txt"),
    ])
    target = tmp_path / "target"
    summary = fetch(manifest=manifest, target=target)
    assert summary.fetched == ["treaties-es/pe/good.txt"]
    assert [key for key, _ in summary.failed] == ["treaties-es/pe/corrupt.txt", "treaties-es/pe/absent.txt"]
    assert "does not match the manifest's checksum" in summary.failed[0][1] and "404" in summary.failed[1][1]
    fetched = target / "treaties-es" / "pe" / "good.txt"
    assert fetched.read_text(encoding="utf-8") == good and (fetched.stat().st_mode & 0o777) == 0o644
    assert not (target / "treaties-es" / "pe" / "corrupt.txt").exists()
    assert list((target / "treaties-es" / "pe").iterdir()) == [fetched]  # no partial file left
    again = fetch(manifest=manifest, target=target)
    assert again.present == ["treaties-es/pe/good.txt"] and again.fetched == []


def test_fetch_from_a_mirror_and_from_the_cli(mirror, tmp_path, monkeypatch):
    root, base = mirror
    (root / "us-statements").mkdir(parents=True)
    text = "---\ntitle: A statement\n---\n\n1. The leaders agreed to meet again.\n"
    (root / "us-statements" / "s.md").write_text(text, encoding="utf-8")
    manifest = _manifest(tmp_path / "MANIFEST.tsv", [
        ("us-statements", "s.md", external.content_sha256(text), "https://unreachable.invalid/s.md")])
    monkeypatch.setenv("DECLARACIONES_DATA", str(tmp_path / "target"))
    monkeypatch.setattr(external, "manifest_path", lambda: manifest)
    result = CliRunner().invoke(app, ["data", "fetch", "--from", base])
    assert result.exit_code == 0, result.output
    assert "1 fetched, 0 already here, 0 failed" in result.output
    assert (tmp_path / "target" / "us-statements" / "s.md").read_text(encoding="utf-8") == text
    status = CliRunner().invoke(app, ["data", "status"])
    assert status.output.split("\n")[-2].split() == ["us-statements", "1", "listed", "1", "present", "0", "missing",
                                                     "0", "with", "other", "content"]


def test_data_commands_refuse_bad_input(tmp_path, monkeypatch):
    result = CliRunner().invoke(app, ["data", "fetch", "--collection", "novels"])
    assert result.exit_code == 1 and "unknown collection 'novels'" in result.output
    broken = tmp_path / "MANIFEST.tsv"
    broken.write_text("collection\tname\n", encoding="utf-8")
    monkeypatch.setattr(external, "manifest_path", lambda: broken)
    result = CliRunner().invoke(app, ["data", "status"])
    assert result.exit_code == 1 and "header must be collection name sha256 url source" in result.output
