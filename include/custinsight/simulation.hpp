#pragma once

/// @file simulation.hpp
/// @brief The simulation area: customer bases with known truth (customers.hpp), feedback texts
/// (text.hpp) and support conversations (conversations.hpp), for the demo and the tests.

#include "custinsight/simulation/conversations.hpp"
#include "custinsight/simulation/customers.hpp"
#include "custinsight/simulation/text.hpp"
