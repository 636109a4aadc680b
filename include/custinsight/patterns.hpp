#pragma once
// Moved to custinsight/loyalty/patterns.hpp; this path forwards for one release.
#include "custinsight/loyalty/patterns.hpp"
