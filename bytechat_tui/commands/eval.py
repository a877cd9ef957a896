"""`bytechat eval`: judge the router on a table of labelled prompts (yours, or a public one).

Two kinds of table are understood, by their columns:
- `prompt,weak,strong`: per-prompt quality of a cheap and a strong model -> APGR, CPT, p-value;
- `prompt` plus `score:<model>` (and optionally `answer_chars:<model>`) -> the room's quality and
  cost against always-strongest, always-cheapest and random. Models are looked up in the catalog.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bytechat_tui.errors import UserError

if TYPE_CHECKING:
    from bytechat_tui.room import Room
    from bytechat_tui.routing.evaluation import PairReport
    from bytechat_tui.routing.room_evaluation import LabelledPrompt, RoomReport


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "eval",
        help="measure the router on a CSV of labelled prompts (APGR, CPT, cost)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--permutations", type=int, default=1000, metavar="N", help="random orderings for the p-value (default 1000)"
    )
    parser.set_defaults(run=run)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    csv.field_size_limit(2**31 - 1)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"{path}: not a readable UTF-8 CSV file ({error})") from None


def _number(path: Path, row_number: int, column: str, value: str | None) -> float:
    try:
        number = float(value) if value not in (None, "") else math.nan
    except ValueError:
        raise UserError(f"{path}, row {row_number}: column {column!r} holds {value!r}, not a number") from None
    return number


def run(args: argparse.Namespace) -> int:
    columns, rows = _read(args.file)
    if "prompt" not in columns:
        raise UserError(f"{args.file}: needs a 'prompt' column; found {', '.join(columns) or 'no header'}")
    if {"weak", "strong"} <= set(columns):
        report = _pair(args.file, rows, args.permutations)
        print(json.dumps(_pair_json(report)) if args.json else _pair_text(args.file, report))
        return 0
    models = [column.removeprefix("score:") for column in columns if column.startswith("score:")]
    if len(models) >= 2:
        room, table, skipped = _room_table(args.file, rows, models)
        from bytechat_tui.routing.room_evaluation import evaluate_room

        room_report = evaluate_room(room, table)
        print(json.dumps(_room_json(room_report, skipped)) if args.json else _room_text(args.file, room_report, room, skipped))
        return 0
    raise UserError(
        f"{args.file}: expected columns prompt,weak,strong or prompt plus two or more score:<model> columns"
    )


def _pair(path: Path, rows: list[dict[str, str]], permutations: int) -> PairReport:
    from bytechat_tui.routing.classifier import assess
    from bytechat_tui.routing.evaluation import evaluate_pair

    scores, weak, strong = [], [], []
    for number, row in enumerate(rows, start=2):
        pair = (_number(path, number, "weak", row["weak"]), _number(path, number, "strong", row["strong"]))
        if any(math.isnan(value) for value in pair):
            continue
        scores.append(assess(row["prompt"] or "").score)
        weak.append(pair[0])
        strong.append(pair[1])
    try:
        return evaluate_pair(scores, weak, strong, permutations=permutations)
    except ValueError as error:
        raise UserError(f"{path}: {error}") from None


def _pair_json(report: PairReport) -> dict[str, Any]:
    return {
        "n": report.n,
        "apgr": round(report.apgr, 4),
        "cpt50": round(report.cpt50, 4),
        "cpt80": round(report.cpt80, 4),
        "p_value": round(report.p_value, 4),
        "random_band": [round(report.random_band[0], 4), round(report.random_band[1], 4)],
        "random_apgr": 0.5,
        "oracle_apgr": round(report.oracle_apgr, 4),
        "weak_mean": round(report.weak_mean, 4),
        "strong_mean": round(report.strong_mean, 4),
    }


def _pair_text(path: Path, report: PairReport) -> str:
    low, high = report.random_band
    return "\n".join(
        [
            f"{path.name}: {report.n} prompts, weak mean {report.weak_mean:.3f}, strong mean {report.strong_mean:.3f}",
            f"  APGR      {report.apgr:.3f}   (random 0.500, 95% band {low:.3f}-{high:.3f}; p = {report.p_value:.4f})",
            f"  oracle    {report.oracle_apgr:.3f}",
            f"  CPT(50%)  {report.cpt50:.1%} of prompts sent to the strong model (random: 50.0%)",
            f"  CPT(80%)  {report.cpt80:.1%} of prompts sent to the strong model (random: 80.0%)",
        ]
    )


def _room_table(path: Path, rows: list[dict[str, str]], models: list[str]) -> tuple[Room, list[LabelledPrompt], int]:
    from bytechat_tui.config import load_config
    from bytechat_tui.pricing.catalog import load_catalog
    from bytechat_tui.room import Room, catalog_bot
    from bytechat_tui.routing.room_evaluation import LabelledPrompt

    catalog, config = load_catalog(), load_config()
    bots, unknown = [], []
    for model in models:
        info = catalog.find(model)
        if info is None:
            unknown.append(model)
        else:
            bots.append(catalog_bot(model, info, config))
    if unknown:
        raise UserError(
            f"{path}: the catalog does not know {', '.join(unknown)}; see `bytechat models --all` for known models"
        )
    table, skipped = [], 0
    for number, row in enumerate(rows, start=2):
        scores = {model: _number(path, number, f"score:{model}", row[f"score:{model}"]) for model in models}
        if any(math.isnan(value) for value in scores.values()):
            skipped += 1
            continue
        chars = {
            model: _number(path, number, f"answer_chars:{model}", row.get(f"answer_chars:{model}"))
            for model in models
        }
        table.append(
            LabelledPrompt(
                row["prompt"] or "", scores, {model: value for model, value in chars.items() if not math.isnan(value)}
            )
        )
    if not table:
        raise UserError(f"{path}: no row has a score for every model")
    return Room(name=path.stem, bots=tuple(bots), origin="table"), table, skipped


def _room_json(report: RoomReport, skipped: int) -> dict[str, Any]:
    return {
        "n": report.n,
        "skipped_rows": skipped,
        "policies": [
            {"policy": p.name, "mean_quality": round(p.mean_quality, 4), "total_cost_usd": round(p.total_cost_usd, 6)}
            for p in report.policies
        ],
        "picks": report.picks,
    }


def _room_text(path: Path, report: RoomReport, room: Room, skipped: int) -> str:
    width = max(len(p.name) for p in report.policies)
    lines = [
        f"{path.name}: {report.n} prompts, {len(room.bots)} models"
        + (f" ({skipped} rows skipped: a score missing)" if skipped else ""),
        f"  {'policy':<{width}}  {'quality':>8}  {'cost':>10}",
    ]
    for policy in report.policies:
        lines.append(f"  {policy.name:<{width}}  {policy.mean_quality:>8.3f}  ${policy.total_cost_usd:>9.4f}")
    tiers = {bot.name: bot.tier for bot in room.bots}
    picks = ", ".join(f"{name} (tier {tiers[name]}) {count}" for name, count in report.picks.items())
    lines.append(f"  router picks: {picks}")
    return "\n".join(lines)
