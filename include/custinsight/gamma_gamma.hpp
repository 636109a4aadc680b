#pragma once
// Moved to custinsight/loyalty/gamma_gamma.hpp; this path forwards for one release.
#include "custinsight/loyalty/gamma_gamma.hpp"
