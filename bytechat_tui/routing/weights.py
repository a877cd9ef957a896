"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.01
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -2.26736,  # bias
    +5.84459,  # length
    -1.36032,  # lines
    +0.00000,  # code_block
    +0.00000,  # code_lines
    +1.63847,  # programming
    +0.61221,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.20117,  # numbers
    +0.00000,  # proof
    -0.57754,  # reasoning
    +0.00000,  # planning
    +3.07388,  # puzzle
    -1.78029,  # step_by_step
    +0.36241,  # constraints
    +0.38912,  # list_items
    +0.20106,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.57139,  # lookup
    -3.45225,  # greeting
    -0.22337,  # non_english
    -1.94769,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -1.08744,  # role_play
    -2.36472,  # advice
    -0.54509,  # writing
    +0.00000,  # long_numbers
    -0.60400,  # explain
    +2.24451,  # technical_terms
    +0.95567,  # science
)

# each feature's mean over the dev prompts: reasons quote what sets a message apart from these
TYPICAL: tuple[float, ...] = (
    1.00000,  # bias
    0.41207,  # length
    0.10482,  # lines
    0.00509,  # code_block
    0.01621,  # code_lines
    0.13773,  # programming
    0.00366,  # error_trace
    0.05809,  # math_words
    0.09675,  # math_symbols
    0.29337,  # numbers
    0.03230,  # proof
    0.02261,  # reasoning
    0.02927,  # planning
    0.02153,  # puzzle
    0.02724,  # step_by_step
    0.09628,  # constraints
    0.01077,  # list_items
    0.23009,  # questions
    0.05667,  # creative
    0.03126,  # rewrite
    0.00034,  # lookup
    0.00000,  # greeting
    0.00372,  # non_english
    0.25340,  # choices
    0.14718,  # code_request
    0.33243,  # compute_request
    0.02567,  # role_play
    0.03307,  # advice
    0.05224,  # writing
    0.11516,  # long_numbers
    0.14475,  # explain
    0.13636,  # technical_terms
    0.03715,  # science
)

# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on
SCORE_PERCENTILES: tuple[float, ...] = (
    0.00475,
    0.04273,
    0.06062,
    0.07517,
    0.08306,
    0.08767,
    0.09186,
    0.09657,
    0.09983,
    0.10456,
    0.11054,
    0.11579,
    0.12231,
    0.13000,
    0.13769,
    0.14595,
    0.15300,
    0.16469,
    0.17691,
    0.19179,
    0.20196,
    0.21450,
    0.23180,
    0.24592,
    0.25828,
    0.28342,
    0.29664,
    0.30627,
    0.31562,
    0.32328,
    0.33529,
    0.35173,
    0.36479,
    0.38103,
    0.39837,
    0.40593,
    0.41671,
    0.43104,
    0.44152,
    0.45565,
    0.47049,
    0.47933,
    0.48767,
    0.49221,
    0.49896,
    0.50509,
    0.51098,
    0.51689,
    0.52069,
    0.52576,
    0.53424,
    0.53831,
    0.54499,
    0.54715,
    0.55204,
    0.55495,
    0.56016,
    0.56314,
    0.56639,
    0.57225,
    0.57707,
    0.58175,
    0.58545,
    0.59130,
    0.59690,
    0.60300,
    0.60966,
    0.61444,
    0.61956,
    0.62541,
    0.63149,
    0.64195,
    0.64901,
    0.65557,
    0.66208,
    0.67560,
    0.68100,
    0.69176,
    0.69979,
    0.71274,
    0.72264,
    0.73223,
    0.75833,
    0.76151,
    0.77627,
    0.79714,
    0.80627,
    0.81404,
    0.82615,
    0.83344,
    0.85302,
    0.87571,
    0.89258,
    0.90630,
    0.92408,
    0.94382,
    0.95859,
    0.96656,
    0.96891,
    0.97665,
    0.99895,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2020, 0.5051, 0.6315, 0.8261)
