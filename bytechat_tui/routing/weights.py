"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.01
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -0.61424,  # bias
    +1.47233,  # length
    +0.14756,  # lines
    +0.22591,  # code_block
    +0.14295,  # code_lines
    +2.04691,  # programming
    +0.38232,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.00000,  # numbers
    +0.00000,  # proof
    -0.50404,  # reasoning
    +0.00000,  # planning
    +2.17784,  # puzzle
    -1.24769,  # step_by_step
    +0.06309,  # constraints
    +0.04154,  # list_items
    +0.02433,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.15748,  # lookup
    -2.59530,  # greeting
    +0.02159,  # non_english
    -1.84063,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -0.75356,  # role_play
    -1.64872,  # advice
    -0.43994,  # writing
    +0.69965,  # long_numbers
    -0.37633,  # explain
    +1.90139,  # technical_terms
    +1.37147,  # science
    -0.98693,  # short_message
    -1.88405,  # word_problem
    +2.77780,  # word_problem_fractions
    -4.50455,  # word_problem_decimals
    +2.17353,  # word_problem_names
    +4.03848,  # word_problem_clauses
    +0.48096,  # word_problem_comparisons
    +1.46476,  # choice_negation
    -1.17408,  # choice_digits
    -1.55282,  # choice_decimals
    -1.62403,  # code_names
    +3.37291,  # wordplay
)

# each feature's mean over the dev prompts: reasons quote what sets a message apart from these
TYPICAL: tuple[float, ...] = (
    1.00000,  # bias
    0.41207,  # length
    0.10482,  # lines
    0.00509,  # code_block
    0.01621,  # code_lines
    0.13802,  # programming
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
    0.01431,
    0.03517,
    0.05582,
    0.07843,
    0.09130,
    0.10144,
    0.10954,
    0.11892,
    0.12931,
    0.13249,
    0.13450,
    0.13666,
    0.13941,
    0.14236,
    0.14641,
    0.15187,
    0.16311,
    0.17412,
    0.19222,
    0.20904,
    0.21772,
    0.22303,
    0.23415,
    0.23935,
    0.25054,
    0.25709,
    0.26556,
    0.27199,
    0.27930,
    0.29301,
    0.30073,
    0.30719,
    0.32183,
    0.33750,
    0.34828,
    0.36246,
    0.36949,
    0.37678,
    0.38218,
    0.38863,
    0.39630,
    0.40632,
    0.41592,
    0.42952,
    0.43566,
    0.44762,
    0.46126,
    0.46688,
    0.47936,
    0.48669,
    0.49095,
    0.50022,
    0.50175,
    0.50808,
    0.52031,
    0.52652,
    0.53377,
    0.54535,
    0.55986,
    0.56885,
    0.58266,
    0.59229,
    0.59762,
    0.60551,
    0.61860,
    0.63731,
    0.64856,
    0.65857,
    0.66399,
    0.67322,
    0.67870,
    0.68395,
    0.68982,
    0.69623,
    0.70281,
    0.70844,
    0.72715,
    0.74149,
    0.74654,
    0.76029,
    0.76412,
    0.77066,
    0.77773,
    0.78963,
    0.79789,
    0.81341,
    0.82225,
    0.83037,
    0.84277,
    0.84900,
    0.86445,
    0.87664,
    0.88788,
    0.90365,
    0.91031,
    0.92203,
    0.94106,
    0.95840,
    0.96705,
    0.98572,
    0.99777,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2177, 0.4476, 0.6787, 0.8428)
