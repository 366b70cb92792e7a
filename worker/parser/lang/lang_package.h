// Small helpers the language parsers share.
#pragma once

#include <string>
#include <string_view>

#include "common/package.h"

namespace strata::worker {

inline Package language_package(Ecosystem ecosystem, std::string name, std::string version,
                                std::string_view path) {
  Package p;
  p.ecosystem = ecosystem;
  p.source_name = name;
  p.source_version = version;
  p.name = std::move(name);
  p.version = std::move(version);
  p.path = std::string(path);
  return p;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace strata::worker
