#pragma once
// Moved to custinsight/loyalty/model_io.hpp; this path forwards for one release.
#include "custinsight/loyalty/model_io.hpp"
