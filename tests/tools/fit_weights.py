"""Refit the classifier's weights on the labelled dev data and rewrite `routing/weights.py`.

    python tests/tools/fit_weights.py [--shared ../shared] [--check] [--explore]

Method: every prompt of every pair table is turned into a feature vector; the target is the
quality gap (strong - weak) scaled to [-1, 1] per table, so that the score ranks prompts by how
much the strong model adds. Ridge regression shrunk toward a prior with sign constraints (see PRIOR), each table weighted equally (MMLU must not drown
the 300 Arena prompts), the ridge strength chosen by 5-fold cross-validation on mean APGR. The
linear predictor is then squashed into [0, 1] with a logistic whose slope and centre spread the
dev prompts over the whole range; the tier thresholds are quantiles of that score.

Every figure is cross-validated: prompts are put in 5 folds by a salted hash of their text (the
Arena files share prompts, so a per-file split would leak), each fold is scored by weights fitted
on the other four, and that is repeated with 3 salts. The out-of-fold APGR this gives is what the
data says about prompts the weights never saw; the shipped weights are then fitted on all prompts.
`--check` recomputes those figures for the shipped ridge strength without rewriting anything.
Needs numpy and scipy (`pip install -e '.[fit]'`).
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
FOLDS = 5
SALTS = ("a", "b", "c")
WEIGHTS_FILE = REPO / "bytechat_tui" / "routing" / "weights.py"
TIER_SHARES = (0.80, 0.55, 0.30, 0.12)
"""Share of dev prompts that need at least tier 2, 3, 4, 5: where the tier thresholds sit."""


def fold_of(prompt: str, salt: str) -> int:
    return int(hashlib.md5((salt + prompt).encode("utf-8")).hexdigest(), 16) % FOLDS


def load(shared: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    with open(shared / "data" / "routing" / "dev" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    prompts = [row["prompt"] for row in rows]
    features = np.array([extract(p, estimate_tokens(p)).values for p in prompts])
    weak = np.array([float(row["weak"]) for row in rows])
    strong = np.array([float(row["strong"]) for row in rows])
    return features, weak, strong, prompts


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
    "reasoning": (0.0, ""),
    "planning": (0.05, "+"),
    "puzzle": (0.15, "+"),
    "step_by_step": (0.0, ""),
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
    "explain": (-0.05, "-"),
    "technical_terms": (0.03, "+"),
    "science": (0.03, "+"),
    "short_message": (-0.05, "-"),
    # Within a word problem or a multiple-choice question (zero elsewhere): no prior, the
    # 1,307 GSM8K problems and 14,037 MMLU questions set them.
    "word_problem": (0.0, ""),
    "word_problem_fractions": (0.0, ""),
    "word_problem_decimals": (0.0, ""),
    "word_problem_names": (0.0, ""),
    "word_problem_clauses": (0.0, ""),
    "word_problem_comparisons": (0.0, ""),
    "choice_negation": (0.0, ""),
    "choice_digits": (0.0, ""),
    "choice_decimals": (0.0, ""),
    # Chat requests only (zero in word problems and multiple-choice questions).
    "code_names": (0.0, ""),
    "wordplay": (0.05, "+"),
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


def out_of_fold(data: dict, strength: float, salt: str) -> dict[str, np.ndarray]:
    """Each prompt's linear score from weights fitted on the folds it is not in."""
    folds = {name: np.array([fold_of(p, salt) for p in prompts]) for name, (_, _, _, prompts) in data.items()}
    scores = {name: np.zeros(len(prompts)) for name, (_, _, _, prompts) in data.items()}
    for fold in range(FOLDS):
        train = [
            (features[folds[name] != fold], scaled_gap(weak, strong)[folds[name] != fold])
            for name, (features, weak, strong, _) in data.items()
        ]
        weights = fit_ridge(train, strength)
        for name, (features, *_) in data.items():
            scores[name][folds[name] == fold] = features[folds[name] == fold] @ weights
    return scores


def cross_validated_apgr(data: dict, strength: float) -> dict[str, list[float]]:
    """Out-of-fold APGR per table, once per salt."""
    results: dict[str, list[float]] = {name: [] for name in data}
    for salt in SALTS:
        for name, scores in out_of_fold(data, strength, salt).items():
            _, weak, strong, _ = data[name]
            results[name].append(apgr(scores, weak, strong))
    return results


def choose_strength(data: dict, strengths: list[float]) -> float:
    """The strongest prior whose mean cross-validated APGR is within one standard error of the best.

    Among models the data cannot tell apart, the one closest to the prior generalises better to
    prompts unlike the dev tables (greetings, short proofs) — the ones people actually type. The
    error is that of the paired difference to the best, cell by cell (table × salt): the spread
    between tables says nothing about whether two strengths differ.
    """
    cells: dict[float, np.ndarray] = {}
    for strength in strengths:
        per_table = cross_validated_apgr(data, strength)
        cells[strength] = np.array([value for values in per_table.values() for value in values])
        summary = "  ".join(f"{name[:12]} {np.mean(values):.3f}" for name, values in per_table.items())
        print(f"  ridge {strength:<6g} mean {cells[strength].mean():.4f}   {summary}")
    best = max(strengths, key=lambda strength: cells[strength].mean())
    within = []
    for strength in strengths:
        difference = cells[best] - cells[strength]
        error = float(np.std(difference, ddof=1) / np.sqrt(len(difference)))
        if difference.mean() <= error:
            within.append(strength)
    chosen = max(within)
    print(f"  chosen: {chosen:g} (best {best:g} at {cells[best].mean():.4f})")
    return chosen


def report(data: dict, strength: float) -> None:
    """Out-of-fold APGR with a permutation p-value per table (first salt), and the salts' spread."""
    scores = out_of_fold(data, strength, SALTS[0])
    spread = cross_validated_apgr(data, strength)
    print(f"cross-validated APGR at ridge {strength:g} (each prompt scored by weights that never saw it):")
    for name, (_, weak, strong, _) in data.items():
        result = evaluate_pair(list(scores[name]), list(weak), list(strong), permutations=2000)
        low, high = min(spread[name]), max(spread[name])
        print(f"  {name:<20} n={result.n:<6} APGR {result.apgr:.3f} (salts {low:.3f}-{high:.3f})  p={result.p_value:.4f}"
              f"  random band {result.random_band[0]:.3f}-{result.random_band[1]:.3f}")


def explore(data: dict) -> None:
    """Univariate APGR of each feature on each table: where the signal is."""
    print(f"{'feature':<14}" + "".join(f"{name[:14]:>16}" for name in data))
    for index, name in enumerate(NAMES[1:], start=1):
        cells = []
        for features, weak, strong, _ in data.values():
            cells.append(apgr(features[:, index], weak, strong))
        print(f"{name:<14}" + "".join(f"{value:>16.3f}" for value in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--check", action="store_true", help="only report the cross-validated APGR at the shipped ridge strength")
    parser.add_argument("--explore", action="store_true", help="print each feature's own APGR")
    args = parser.parse_args()
    data = {name: load(args.shared, name) for name in PAIR_TABLES}
    if args.explore:
        explore(data)
        return 0
    if args.check:
        from bytechat_tui.routing.weights import RIDGE_STRENGTH

        report(data, RIDGE_STRENGTH)
        return 0
    strength = choose_strength(data, [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0])
    weights = fit_ridge([(f, scaled_gap(w, s)) for f, w, s, _ in data.values()], strength)
    write_weights(weights, data, strength)
    report(data, strength)
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
    all_features = np.vstack([features for features, *_ in data.values()])
    typical = np.average(all_features, axis=0, weights=table_weights)
    lines = [
        '"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "# score = sigmoid(WEIGHTS · features)",
        f"RIDGE_STRENGTH = {strength:g}",
        '"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""',
        "",
        "WEIGHTS: tuple[float, ...] = (",
        *(f"    {value:+.5f},  # {name}" for name, value in zip(NAMES, weights)),
        ")",
        "",
        "# each feature's mean over the dev prompts: reasons quote what sets a message apart from these",
        "TYPICAL: tuple[float, ...] = (",
        *(f"    {value:.5f},  # {name}" for name, value in zip(NAMES, typical)),
        ")",
        "",
        "# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on",
        "SCORE_PERCENTILES: tuple[float, ...] = (",
        *(f"    {weighted_quantile(scores, table_weights, q / 100):.5f}," for q in range(101)),
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
    return float(values[order][min(len(values) - 1, np.searchsorted(cumulative, q))])


if __name__ == "__main__":
    raise SystemExit(main())
