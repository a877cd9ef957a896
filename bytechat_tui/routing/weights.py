"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.01
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -0.61535,  # bias
    +1.47468,  # length
    +0.14391,  # lines
    +0.22447,  # code_block
    +0.13978,  # code_lines
    +2.05149,  # programming
    +0.38080,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.00000,  # numbers
    +0.00000,  # proof
    -0.50437,  # reasoning
    +0.00000,  # planning
    +2.17777,  # puzzle
    -1.24777,  # step_by_step
    +0.06121,  # constraints
    +0.04315,  # list_items
    +0.02855,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.15753,  # lookup
    -2.59525,  # greeting
    +0.02143,  # non_english
    -1.84008,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -0.75398,  # role_play
    -1.64824,  # advice
    -0.44063,  # writing
    +0.69901,  # long_numbers
    -0.37702,  # explain
    +1.89851,  # technical_terms
    +1.37230,  # science
    -0.98783,  # short_message
    -1.88524,  # word_problem
    +2.77771,  # word_problem_fractions
    -4.50440,  # word_problem_decimals
    +2.17357,  # word_problem_names
    +4.03884,  # word_problem_clauses
    +0.48064,  # word_problem_comparisons
    +1.46564,  # choice_negation
    -1.17397,  # choice_digits
    -1.55262,  # choice_decimals
    -1.61883,  # code_names
    +3.37252,  # wordplay
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
    0.09592,  # code_names
    0.00397,  # wordplay
)

# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on
SCORE_PERCENTILES: tuple[float, ...] = (
    0.01432,
    0.03522,
    0.05588,
    0.07854,
    0.09122,
    0.10147,
    0.10996,
    0.11952,
    0.12944,
    0.13243,
    0.13471,
    0.13660,
    0.13936,
    0.14243,
    0.14640,
    0.15198,
    0.16316,
    0.17411,
    0.19242,
    0.20928,
    0.21804,
    0.22277,
    0.23409,
    0.23961,
    0.25034,
    0.25680,
    0.26546,
    0.27274,
    0.27938,
    0.29411,
    0.30116,
    0.30683,
    0.32174,
    0.33740,
    0.34848,
    0.36251,
    0.36958,
    0.37684,
    0.38195,
    0.38871,
    0.39804,
    0.40636,
    0.41547,
    0.42603,
    0.43251,
    0.44717,
    0.45640,
    0.46543,
    0.47930,
    0.48650,
    0.49338,
    0.49954,
    0.50172,
    0.50795,
    0.52068,
    0.52689,
    0.53403,
    0.54527,
    0.55962,
    0.56886,
    0.58274,
    0.59235,
    0.59776,
    0.60551,
    0.61862,
    0.63737,
    0.64912,
    0.65860,
    0.66404,
    0.67356,
    0.67871,
    0.68388,
    0.69041,
    0.69631,
    0.70288,
    0.70994,
    0.72708,
    0.74114,
    0.74643,
    0.76063,
    0.76459,
    0.77051,
    0.77758,
    0.78970,
    0.79748,
    0.81342,
    0.82270,
    0.83085,
    0.84352,
    0.84917,
    0.86447,
    0.87662,
    0.88791,
    0.90378,
    0.91028,
    0.92207,
    0.94115,
    0.95847,
    0.96704,
    0.98569,
    0.99776,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2180, 0.4472, 0.6787, 0.8435)
