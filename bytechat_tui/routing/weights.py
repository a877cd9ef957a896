"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.03
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -1.01705,  # bias
    +2.11596,  # length
    -0.42311,  # lines
    +0.24681,  # code_block
    +0.00000,  # code_lines
    +1.75019,  # programming
    +0.53392,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.00324,  # numbers
    +0.00000,  # proof
    -0.29644,  # reasoning
    +0.00000,  # planning
    +2.45737,  # puzzle
    -1.17480,  # step_by_step
    +0.25764,  # constraints
    +0.28441,  # list_items
    -0.17600,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.44932,  # lookup
    -3.00968,  # greeting
    +0.02362,  # non_english
    -1.71307,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -0.81635,  # role_play
    -1.75129,  # advice
    -0.41241,  # writing
    +0.51970,  # long_numbers
    -0.41258,  # explain
    +1.86367,  # technical_terms
    +1.26902,  # science
    -0.85253,  # short_message
    -1.39193,  # word_problem
    +2.45960,  # word_problem_fractions
    -3.50765,  # word_problem_decimals
    +2.00724,  # word_problem_names
    +3.56071,  # word_problem_clauses
    +0.55223,  # word_problem_comparisons
    +1.46767,  # choice_negation
    -0.94522,  # choice_digits
    -1.11855,  # choice_decimals
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
    0.33242,  # compute_request
    0.02551,  # role_play
    0.03307,  # advice
    0.05222,  # writing
    0.11516,  # long_numbers
    0.14475,  # explain
    0.13636,  # technical_terms
    0.03715,  # science
    0.05347,  # short_message
    0.29709,  # word_problem
    0.02945,  # word_problem_fractions
    0.01561,  # word_problem_decimals
    0.15071,  # word_problem_names
    0.06403,  # word_problem_clauses
    0.04598,  # word_problem_comparisons
    0.06062,  # choice_negation
    0.01855,  # choice_digits
    0.00881,  # choice_decimals
)

# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on
SCORE_PERCENTILES: tuple[float, ...] = (
    0.01325,
    0.05223,
    0.06754,
    0.07518,
    0.08460,
    0.09518,
    0.10463,
    0.10938,
    0.11328,
    0.11681,
    0.11951,
    0.12298,
    0.12746,
    0.13309,
    0.14380,
    0.15288,
    0.17247,
    0.18081,
    0.19452,
    0.20342,
    0.20743,
    0.21924,
    0.22937,
    0.23874,
    0.24879,
    0.26058,
    0.27615,
    0.28992,
    0.29673,
    0.31094,
    0.31595,
    0.32997,
    0.33618,
    0.34199,
    0.35195,
    0.35579,
    0.36972,
    0.37904,
    0.38361,
    0.39482,
    0.40447,
    0.41791,
    0.42672,
    0.43378,
    0.44537,
    0.45275,
    0.45922,
    0.46556,
    0.47162,
    0.47610,
    0.48333,
    0.49676,
    0.50286,
    0.51253,
    0.52099,
    0.52949,
    0.53488,
    0.54224,
    0.55436,
    0.56725,
    0.58151,
    0.58928,
    0.59696,
    0.60722,
    0.61693,
    0.62329,
    0.63559,
    0.64721,
    0.65886,
    0.66705,
    0.67103,
    0.67845,
    0.68567,
    0.69051,
    0.70018,
    0.70862,
    0.71904,
    0.73361,
    0.74087,
    0.75245,
    0.75829,
    0.76737,
    0.77300,
    0.78309,
    0.79429,
    0.80977,
    0.81726,
    0.83650,
    0.84910,
    0.86420,
    0.87202,
    0.87947,
    0.89199,
    0.90505,
    0.91476,
    0.92579,
    0.94266,
    0.95119,
    0.96567,
    0.98512,
    0.99792,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2074, 0.4527, 0.6710, 0.8491)
