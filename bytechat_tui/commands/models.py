"""`bytechat models`: the bundled catalog as a table, so a person can see prices, tiers and their date."""

from __future__ import annotations

import argparse
import json

COLUMNS = ("model", "provider", "tier", "$in", "$out", "$cache rd", "context", "tags")
RIGHT_ALIGNED = frozenset({"tier", "$in", "$out", "$cache rd", "context"})


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "models",
        help="the bundled price and capability catalog",
        description="List the models of the bundled catalog: tier, prices in US dollars per million "
        "tokens, context window and tags, with the date and source of the prices.",
    )
    parser.add_argument("--provider", metavar="NAME", help="only this provider's models, e.g. anthropic")
    parser.add_argument(
        "--all",
        action="store_true",
        help="include legacy models (those of the public Chatbot Arena evaluation table)",
    )
    parser.add_argument("--json", action="store_true", help="print the models as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `bytechat --help` does not pay for them.
    from bytechat_tui.errors import UserError
    from bytechat_tui.pricing.catalog import load_catalog, model_to_json
    from bytechat_tui.vendors import VENDORS

    provider = args.provider.lower() if args.provider else None
    if provider is not None and provider not in VENDORS:
        raise UserError(f"unknown provider {args.provider!r}; choose one of: {', '.join(VENDORS)}")
    catalog = load_catalog()
    models = catalog.models(provider, include_legacy=args.all)
    if args.json:
        document = {"date": catalog.date, "source": catalog.source, "models": [model_to_json(m) for m in models]}
        print(json.dumps(document, indent=2))
        return 0

    print(f"Prices of {catalog.date} from {catalog.source}; US dollars per million tokens.")
    if not models:
        print(f"The catalog lists no {provider} models.")
        return 0
    vendor_order = list(VENDORS)
    models.sort(key=lambda m: (m.legacy, vendor_order.index(m.provider), -m.tier, m.prices.input, m.id))
    rows = [
        (
            m.id,
            m.provider,
            str(m.tier),
            _dollars(m.prices.input),
            _dollars(m.prices.output),
            "-" if m.prices.cache_read is None else _dollars(m.prices.cache_read),
            _tokens(m.context_window),
            " ".join(sorted(m.tags)),
        )
        for m in models
    ]
    widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *rows)]
    print(_line(COLUMNS, widths))
    for index, (model, row) in enumerate(zip(models, rows)):
        if model.legacy and (index == 0 or not models[index - 1].legacy):
            print("legacy: retired models of the public Chatbot Arena evaluation table, never in a room")
        print(_line(row, widths))
    return 0


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    aligned = (
        cell.rjust(width) if name in RIGHT_ALIGNED else cell.ljust(width)
        for name, cell, width in zip(COLUMNS, cells, widths)
    )
    return "  ".join(aligned).rstrip()


def _dollars(per_million: float) -> str:
    """Cents, or as many decimals (up to four) as the price needs: 10.00, 0.50, 0.0375."""
    return f"{per_million:.4f}".rstrip("0").ljust(len(f"{per_million:.2f}"), "0")


def _tokens(count: int) -> str:
    """A context window at a glance: 8k, 272k, 1.05M."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.3g}M"
    return f"{round(count / 1000)}k"
