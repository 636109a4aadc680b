#pragma once
// Moved to custinsight/loyalty/modified_beta_geo.hpp; this path forwards for one release.
#include "custinsight/loyalty/modified_beta_geo.hpp"
