#pragma once

// Readers for the CDNOW and donations summaries in ../shared/data, shared by the loyalty tests.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "shared_data.hpp"

namespace custinsight::testing {

/// Columns of a small numeric CSV with a header line.
inline std::vector<std::vector<double>> read_numeric_csv(const std::string& name) {
  std::ifstream in(shared_data(name));
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> cols;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    std::size_t c = 0;
    while (std::getline(ss, cell, ',')) {
      if (cols.size() <= c) cols.emplace_back();
      cols[c++].push_back(std::stod(cell));
    }
  }
  return cols;
}

}  // namespace custinsight::testing
