"""One paper across sources: ids by arXiv id, titles joined to arXiv papers, and the user's state
following a paper whose id changed, from a store made while papers were keyed by title."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
from conftest import COMMENTARY, SAMPLES
from test_cli import out, run

from tui.library.files import load_library
from tui.library.index import LibraryIndex
from tui.library.index_sync import sync
from tui.model import arxiv_paper_id, paper_id
from tui.reading import Reading
from tui.review.deck import Deck
from tui.state.paper_state import PaperState
from tui.state.renames import chained, kept_card, merged_state
from tui.state.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
API = FIXTURES / "hf-api"
VAULT = FIXTURES / "vault"
OLD_HOME = FIXTURES / "home-title-ids"
# Papers of the old home, under the ids the store holds them by (their titles').
OLD_VAULT_CONFIDENCE = paper_id("Confidence Is All You Need")
OLD_API_CONFIDENCE = paper_id("Confidence Is All You Need: Few-Shot RL Fine-Tuning of Language Models")
OLD_REGISTERS = paper_id("Vision Transformers Don't Need Trained Registers")
OLD_RPT = paper_id("Reinforcement Pre-Training")
CONFIDENCE, REGISTERS, RPT = (arxiv_paper_id(n) for n in ("2506.06395", "2506.08010", "2506.08007"))


def test_a_vault_note_an_api_record_and_a_commentary_entry_of_one_arxiv_paper_are_one_paper():
    library = load_library([COMMENTARY, API / "2025-06-11.json", *sorted(VAULT.iterdir())])
    confidence = library.papers[CONFIDENCE]
    # The vault names it by a short title, the API by its whole one: the fullest is shown.
    assert confidence.title == "Confidence Is All You Need: Few-Shot RL Fine-Tuning of Language Models"
    assert len(confidence.sources) == 2 and confidence.tags == ("reinforcement_learning", "llm")
    registers = library.papers[REGISTERS]
    assert [Path(s).name.split(":")[0] for s in registers.sources] == [
        "2025-06-11.commentary.txt",
        "2025-06-11.json",
        "250611 Trained Registers.md",
    ]
    assert OLD_VAULT_CONFIDENCE not in library.papers and OLD_REGISTERS not in library.papers
    assert library.related(CONFIDENCE) == [REGISTERS] and library.related(REGISTERS) == [CONFIDENCE]
    assert library.renamed([OLD_VAULT_CONFIDENCE, OLD_REGISTERS, "0" * 16]) == {
        OLD_VAULT_CONFIDENCE: CONFIDENCE,
        OLD_REGISTERS: REGISTERS,
    }


def test_the_index_joins_and_parts_title_only_entries_as_arxiv_entries_come_and_go(tmp_path):
    commentary = tmp_path / "a-commentary.txt"
    shutil.copyfile(COMMENTARY, commentary)
    api = tmp_path / "b-api.json"
    shutil.copyfile(API / "2025-06-11.json", api)
    index = LibraryIndex(tmp_path / "index.sqlite3")
    index.prepare()

    def both(files):
        sync(index, files)
        indexed, scratch = index.library(), load_library(files)
        assert set(indexed.papers) == set(scratch.papers)
        assert all(indexed.papers[i] == scratch.papers[i] for i in scratch.order)
        assert indexed.order == scratch.order
        return indexed

    alone = both([commentary])
    assert OLD_REGISTERS in alone.papers and REGISTERS not in alone.papers
    joined = both([commentary, api])
    assert REGISTERS in joined.papers and OLD_REGISTERS not in joined.papers
    assert len(joined.papers[REGISTERS].sources) == 2
    assert joined.renamed([OLD_REGISTERS]) == {OLD_REGISTERS: REGISTERS}
    parted = both([commentary])  # the API record gone: the entry is of its title's paper again
    assert OLD_REGISTERS in parted.papers and REGISTERS not in parted.papers
    assert parted.renamed([OLD_REGISTERS]) == {}
    index.close()


def test_states_of_one_paper_under_two_ids_merge_keeping_everything():
    vault = PaperState(read_at=None, starred_at="2025-06-02", tags=("rl",), note="mine", updated_at="2025-06-02")
    api = PaperState(read_at="2025-06-01", starred_at="2025-06-03", tags=("to-read", "rl"), note="other")
    merged = merged_state(vault, api)
    assert merged == PaperState("2025-06-01", "2025-06-02", ("rl", "to-read"), "mine\n\nother", "2025-06-02")
    assert merged_state(None, api) == api and merged_state(api, api) == api
    answered = {"card": {"last_review": "2025-06-12T09:12:00+00:00"}, "added_at": "2025-06-12"}
    fresh = {"card": {"last_review": None}, "added_at": "2025-06-01"}
    assert kept_card(fresh, answered) is answered and kept_card(answered, fresh) is answered
    assert kept_card({"card": {}, "added_at": "2025-06-02"}, fresh) is fresh
    assert chained({"a": "b"}, {"b": "c"}) == {"a": "c", "b": "c"}
    assert chained({"a": "b"}, {"b": "a"}) == {"b": "a"}


def test_a_store_made_while_papers_were_keyed_by_title_follows_them_to_their_arxiv_ids(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    for name in ("store.json", "reviews.jsonl"):
        shutil.copyfile(OLD_HOME / name, home / name)
    assert run("add", *sorted(SAMPLES.iterdir()), *sorted(API.iterdir()), home=home).returncode == 0
    assert run("add", "--link", VAULT, home=home).returncode == 0
    exported = run("export", "--format", "json", "--starred", home=home)
    assert exported.returncode == 0, exported.stderr
    papers = {paper["id"]: paper for paper in orjson.loads(exported.stdout)["papers"]}
    # Starred under either old id: starred once, under the arXiv id, with both tags and notes.
    confidence = papers[CONFIDENCE]
    assert confidence["state"]["starred"] and confidence["state"]["read"]
    assert confidence["state"]["tags"] == ["rl", "confidence", "to-read"]
    assert confidence["state"]["note"] == "from the vault\n\nfrom the api"
    assert confidence["state"]["card"]["last_review"] == "2025-06-12T09:12:00+00:00"  # the card answered last
    assert papers[REGISTERS]["state"]["card"]["status"] != "new"
    # Papers that kept their ids keep their state.
    listed = [json.loads(line) for line in out(run("list", "--json", "--starred", home=home)).splitlines()]
    assert {paper["id"] for paper in listed} == {CONFIDENCE, REGISTERS, "377f122624842c0c"}
    saved = orjson.loads((home / "store.json").read_bytes())
    assert {d["paper_id"] for d in saved["papers"].values()} == {
        CONFIDENCE, REGISTERS, RPT, "377f122624842c0c", "5e61976db95d6a9e",
    }  # fmt: skip
    assert {d["old"]: d["new"] for d in saved["renamed"].values()} == {
        OLD_VAULT_CONFIDENCE: CONFIDENCE,
        OLD_API_CONFIDENCE: CONFIDENCE,
        OLD_REGISTERS: REGISTERS,
        OLD_RPT: RPT,
    }
    before = (home / "store.json").read_bytes()
    assert run("export", "--format", "json", home=home).returncode == 0
    assert (home / "store.json").read_bytes() == before  # once done, done
    store = Store.open(home / "store.json")
    try:
        # The review log keeps its lines as written; every answer is read under the new id.
        assert [r["rating"] for r in store.reviews_of(CONFIDENCE)] == [3, 1, 3]
        assert [r["rating"] for r in store.reviews_of(REGISTERS)] == [3]
        assert store.reviews_of(OLD_API_CONFIDENCE) == []
    finally:
        store.close()
    assert (home / "reviews.jsonl").read_bytes() == (OLD_HOME / "reviews.jsonl").read_bytes()


def test_the_reader_moves_a_papers_state_when_a_new_digest_gives_it_an_arxiv_id(tmp_path):
    store = Store.open(tmp_path / "store.json")
    try:
        deck = Deck(store)
        reading = Reading(load_library([COMMENTARY]), store, deck)
        reading.toggle_star(OLD_REGISTERS)
        reading.set_note(OLD_REGISTERS, "read before the API had it")
        assert deck.has_card(OLD_REGISTERS)
        reading.use_library(load_library([COMMENTARY, API / "2025-06-11.json"]))
        assert reading.state_of(REGISTERS).starred and reading.state_of(REGISTERS).note.startswith("read before")
        assert reading.state_of(OLD_REGISTERS) == PaperState()
        assert deck.has_card(REGISTERS) and not deck.has_card(OLD_REGISTERS)
    finally:
        store.close()
