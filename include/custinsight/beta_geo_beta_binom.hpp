#pragma once
// Moved to custinsight/loyalty/beta_geo_beta_binom.hpp; this path forwards for one release.
#include "custinsight/loyalty/beta_geo_beta_binom.hpp"
