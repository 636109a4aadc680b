#pragma once
// Moved to custinsight/loyalty/pareto_nbd.hpp; this path forwards for one release.
#include "custinsight/loyalty/pareto_nbd.hpp"
