"""Refit the classifier's weights on the labelled dev data and rewrite `routing/weights.py`.

    python tests/tools/fit_weights.py [--shared ../shared] [--check] [--explore]

Method: every prompt of every pair table is turned into a feature vector; the target is the
quality gap (strong - weak) scaled to [-1, 1] per table, so that the score ranks prompts by how
much the strong model adds. Ridge regression shrunk toward a prior with sign constraints (see PRIOR), each table weighted equally (MMLU must not drown
the 300 Arena prompts), the ridge strength chosen by 5-fold cross-validation on mean APGR. The
linear predictor is then squashed into [0, 1] with a logistic whose slope and centre spread the
dev prompts over the whole range; the tier thresholds are quantiles of that score.

Prompts are split by a hash of their text (the Arena files share prompts, so a per-file split
would leak): 70 % fit, 30 % held out. `--check` reports APGR on the held-out part only, which no
fitting step has seen. Needs numpy and scipy (`pip install -e '.[fit]'`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bytechat_tui.routing.evaluation import evaluate_pair  # noqa: E402
from bytechat_tui.routing.features import NAMES, extract  # noqa: E402
from bytechat_tui.tokens import estimate_tokens  # noqa: E402

PAIR_TABLES = ("arena_gpt35_gpt4", "arena_mixtral_gpt4", "gsm8k_mixtral_gpt4", "mmlu_mixtral_gpt4")
HELD_OUT_SHARE = 0.3
WEIGHTS_FILE = REPO / "bytechat_tui" / "routing" / "weights.py"
TIER_SHARES = (0.80, 0.55, 0.30, 0.12)
"""Share of dev prompts that need at least tier 2, 3, 4, 5: where the tier thresholds sit."""


def held_out(prompt: str) -> bool:
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < HELD_OUT_SHARE


def load(shared: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    with open(shared / "data" / "routing" / "dev" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    prompts = [row["prompt"] for row in rows]
    features = np.array([extract(p, estimate_tokens(p)).values for p in prompts])
    weak = np.array([float(row["weak"]) for row in rows])
    strong = np.array([float(row["strong"]) for row in rows])
    mask = np.array([held_out(p) for p in prompts])
    return features, weak, strong, mask, prompts


# What is known before looking at the data, in target units (share of the weak-to-strong gap):
# the direction of most features is not in doubt, and where the dev tables have no examples
# (greetings, lookups) the prior is all there is. The data then sets the magnitudes.
PRIOR: dict[str, tuple[float, str]] = {
    "length": (0.15, "+"),
    "lines": (0.0, ""),
    "code_block": (0.05, "+"),
    "code_lines": (0.05, "+"),
    "programming": (0.08, "+"),
    "error_trace": (0.05, "+"),
    "math_words": (0.08, "+"),
    "math_symbols": (0.05, "+"),
    "numbers": (0.05, "+"),
    "proof": (0.15, "+"),
    "reasoning": (0.05, "+"),
    "planning": (0.05, "+"),
    "puzzle": (0.15, "+"),
    "step_by_step": (0.05, "+"),
    "constraints": (0.05, "+"),
    "list_items": (0.03, "+"),
    "questions": (0.0, ""),
    "creative": (-0.05, "-"),
    "rewrite": (-0.08, "-"),
    "lookup": (-0.10, "-"),
    "greeting": (-0.20, "-"),
    "non_english": (0.0, ""),
    "choices": (0.0, ""),
    "code_request": (0.10, "+"),
    "compute_request": (0.08, "+"),
    "role_play": (-0.03, "-"),
    "advice": (-0.05, "-"),
    "writing": (-0.05, "-"),
    "long_numbers": (0.03, "+"),
}


def fit_ridge(tables: list[tuple[np.ndarray, np.ndarray]], strength: float) -> np.ndarray:
    """Ridge shrunk toward PRIOR with sign constraints; each table weighs the same.

    Solved as bounded least squares on the stacked system [data; sqrt(strength) * (w - prior)].
    """
    from scipy.optimize import lsq_linear

    dims = tables[0][0].shape[1]
    rows = [np.sqrt(1.0 / len(target)) * features for features, target in tables]
    targets = [np.sqrt(1.0 / len(target)) * target for _, target in tables]
    prior = np.array([0.0] + [PRIOR[name][0] for name in NAMES[1:]])
    penalty = np.sqrt(strength) * np.eye(dims)
    penalty[0, 0] = 0.0
    lower = np.array([-np.inf] + [0.0 if PRIOR[name][1] == "+" else -np.inf for name in NAMES[1:]])
    upper = np.array([np.inf] + [0.0 if PRIOR[name][1] == "-" else np.inf for name in NAMES[1:]])
    system = np.vstack(rows + [penalty])
    target = np.concatenate(targets + [penalty @ prior])
    return lsq_linear(system, target, bounds=(lower, upper)).x


def scaled_gap(weak: np.ndarray, strong: np.ndarray) -> np.ndarray:
    span = max(np.max(np.abs(strong - weak)), 1e-9)
    return (strong - weak) / span


def apgr(scores: np.ndarray, weak: np.ndarray, strong: np.ndarray) -> float:
    return evaluate_pair(list(scores), list(weak), list(strong), permutations=0).apgr


def cross_validate(data: dict, strengths: list[float], folds: int = 5) -> float:
    """The strongest prior whose CV APGR is within one standard error of the best (Breiman's rule).

    Among models the data cannot tell apart, the one closest to the prior generalises better to
    prompts unlike the dev tables (greetings, short proofs) — the ones people actually type.
    """
    summary = []
    for strength in strengths:
        results = []
        for fold in range(folds):
            train, test = [], []
            for features, weak, strong, mask, prompts in data.values():
                fold_of = np.array([int(hashlib.md5(p.encode()).hexdigest(), 16) % folds for p in prompts])
                keep = ~mask
                train.append((features[keep & (fold_of != fold)], scaled_gap(weak, strong)[keep & (fold_of != fold)]))
                test.append((features[keep & (fold_of == fold)], weak[keep & (fold_of == fold)], strong[keep & (fold_of == fold)]))
            weights = fit_ridge(train, strength)
            results.extend(apgr(f @ weights, w, s) for f, w, s in test)
        mean, error = float(np.mean(results)), float(np.std(results, ddof=1) / np.sqrt(len(results)))
        summary.append((strength, mean, error))
        print(f"  ridge {strength:<8g} cross-validated mean APGR {mean:.4f} ± {error:.4f}")
    best_strength, best_mean, best_error = max(summary, key=lambda row: row[1])
    chosen = max(strength for strength, mean, _ in summary if mean >= best_mean - best_error)
    print(f"  chosen: {chosen:g} (best {best_strength:g} at {best_mean:.4f} ± {best_error:.4f})")
    return chosen


def explore(data: dict) -> None:
    """Univariate APGR of each feature on the fit part of each table: where the signal is."""
    print(f"{'feature':<14}" + "".join(f"{name[:14]:>16}" for name in data))
    for index, name in enumerate(NAMES[1:], start=1):
        cells = []
        for features, weak, strong, mask, _ in data.values():
            keep = ~mask
            cells.append(apgr(features[keep, index], weak[keep], strong[keep]))
        print(f"{name:<14}" + "".join(f"{value:>16.3f}" for value in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--check", action="store_true", help="only report held-out APGR of the shipped weights")
    parser.add_argument("--explore", action="store_true", help="print each feature's own APGR")
    args = parser.parse_args()
    data = {name: load(args.shared, name) for name in PAIR_TABLES}
    if args.explore:
        explore(data)
        return 0
    if not args.check:
        strength = cross_validate(data, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0])
        weights = fit_ridge([(f[~m], scaled_gap(w, s)[~m]) for f, w, s, m, _ in data.values()], strength)
        write_weights(weights, data, strength)
    from importlib import reload

    import bytechat_tui.routing.weights as shipped

    reload(shipped)
    vector = np.array(shipped.WEIGHTS)
    print("held-out APGR (prompts no fitting step saw):")
    for name, (features, weak, strong, mask, _) in data.items():
        report = evaluate_pair(list(features[mask] @ vector), list(weak[mask]), list(strong[mask]), permutations=2000)
        print(f"  {name:<20} n={report.n:<5} APGR {report.apgr:.3f}  p={report.p_value:.4f}  random band "
              f"{report.random_band[0]:.3f}-{report.random_band[1]:.3f}")
    return 0


def write_weights(raw: np.ndarray, data: dict, strength: float) -> None:
    """Fold a logistic squash into the weights so that score = sigmoid(weights · features)."""
    linear = np.concatenate([features @ raw for features, *_ in data.values()])
    table_weights = np.concatenate([np.full(len(f), 1.0 / len(f)) for f, *_ in data.values()])
    centre = float(np.average(linear, weights=table_weights))
    spread = float(np.sqrt(np.average((linear - centre) ** 2, weights=table_weights)))
    slope = 1.5 / spread
    weights = raw * slope
    weights[0] -= centre * slope
    scores = 1.0 / (1.0 + np.exp(-np.concatenate([f @ weights for f, *_ in data.values()])))
    thresholds = [weighted_quantile(scores, table_weights, 1.0 - share) for share in TIER_SHARES]
    lines = [
        '"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        f"# ridge strength {strength:g} (5-fold cross-validated); score = sigmoid(WEIGHTS · features)",
        "WEIGHTS: tuple[float, ...] = (",
        *(f"    {value:+.5f},  # {name}" for name, value in zip(NAMES, weights)),
        ")",
        "",
        "# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)",
        "TIER_THRESHOLDS: tuple[float, ...] = (" + ", ".join(f"{t:.4f}" for t in thresholds) + ")",
        "",
    ]
    WEIGHTS_FILE.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(REPO)}")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][np.searchsorted(cumulative, q)])


if __name__ == "__main__":
    raise SystemExit(main())
