"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.03
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -1.01773,  # bias
    +2.11584,  # length
    -0.42433,  # lines
    +0.24755,  # code_block
    +0.00000,  # code_lines
    +1.75030,  # programming
    +0.53393,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.00354,  # numbers
    +0.00000,  # proof
    -0.29578,  # reasoning
    +0.00000,  # planning
    +2.45734,  # puzzle
    -1.17591,  # step_by_step
    +0.25768,  # constraints
    +0.28357,  # list_items
    -0.17571,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.44951,  # lookup
    -3.01006,  # greeting
    +0.02365,  # non_english
    -1.71224,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -0.79976,  # role_play
    -1.75261,  # advice
    -0.41450,  # writing
    +0.52080,  # long_numbers
    -0.41259,  # explain
    +1.86399,  # technical_terms
    +1.26853,  # science
    -0.85199,  # short_message
    -1.39181,  # word_problem
    +2.46002,  # word_problem_fractions
    -3.50841,  # word_problem_decimals
    +2.00751,  # word_problem_names
    +3.56112,  # word_problem_clauses
    +0.55232,  # word_problem_comparisons
    +1.46896,  # choice_negation
    -0.94575,  # choice_digits
    -1.11926,  # choice_decimals
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
    0.05347,  # short_message
    0.29709,  # word_problem
    0.02945,  # word_problem_fractions
    0.01561,  # word_problem_decimals
    0.15071,  # word_problem_names
    0.06403,  # word_problem_clauses
    0.04598,  # word_problem_comparisons
    0.06063,  # choice_negation
    0.01855,  # choice_digits
    0.00881,  # choice_decimals
)

# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on
SCORE_PERCENTILES: tuple[float, ...] = (
    0.01323,
    0.05216,
    0.06752,
    0.07518,
    0.08452,
    0.09516,
    0.10463,
    0.10937,
    0.11319,
    0.11668,
    0.11951,
    0.12296,
    0.12744,
    0.13307,
    0.14375,
    0.15263,
    0.17242,
    0.18081,
    0.19458,
    0.20330,
    0.20747,
    0.21921,
    0.22941,
    0.23838,
    0.25046,
    0.26053,
    0.27613,
    0.28980,
    0.29669,
    0.31078,
    0.31591,
    0.33001,
    0.33614,
    0.34183,
    0.35194,
    0.35569,
    0.36955,
    0.37893,
    0.38359,
    0.39477,
    0.40450,
    0.41781,
    0.42652,
    0.43382,
    0.44504,
    0.45270,
    0.45905,
    0.46535,
    0.47139,
    0.47633,
    0.48328,
    0.49660,
    0.50264,
    0.51249,
    0.52091,
    0.52929,
    0.53519,
    0.54256,
    0.55447,
    0.56866,
    0.58137,
    0.58912,
    0.59694,
    0.60706,
    0.61692,
    0.62313,
    0.63562,
    0.64695,
    0.65873,
    0.66691,
    0.67100,
    0.67833,
    0.68526,
    0.69051,
    0.70029,
    0.70854,
    0.71911,
    0.73352,
    0.74074,
    0.75212,
    0.75818,
    0.76738,
    0.77304,
    0.78301,
    0.79435,
    0.80977,
    0.81723,
    0.83645,
    0.84900,
    0.86418,
    0.87197,
    0.87941,
    0.89201,
    0.90500,
    0.91473,
    0.92586,
    0.94263,
    0.95121,
    0.96570,
    0.98513,
    0.99792,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2075, 0.4527, 0.6710, 0.8490)
