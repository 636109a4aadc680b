#pragma once

/// @file loyalty.hpp
/// @brief The loyalty area: buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB),
/// Gamma-Gamma spend, CLV, pattern compression and model files. The likelihoods, fitting and
/// series of these models live in loyalty/detail/; shared numerics in math/.

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/beta_geo_beta_binom.hpp"
#include "custinsight/loyalty/clv.hpp"
#include "custinsight/loyalty/gamma_gamma.hpp"
#include "custinsight/loyalty/model_io.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "custinsight/loyalty/patterns.hpp"
