#pragma once
// Moved to custinsight/loyalty/clv.hpp; this path forwards for one release.
#include "custinsight/loyalty/clv.hpp"
