#pragma once
// Moved to custinsight/simulation/customers.hpp; this path forwards for one release.
#include "custinsight/simulation/customers.hpp"
