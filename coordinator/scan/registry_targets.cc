#include "coordinator/scan/registry_targets.h"

#include <nlohmann/json.hpp>

#include "common/image/reference.h"

namespace strata::coordinator {
namespace {

Result<void> add_tags(worker::RegistryClient& client, const std::string& repository, std::size_t max_images,
                      std::vector<std::string>& out) {
  auto tags = client.tags(repository);
  if (!tags) return std::unexpected(tags.error());
  for (const auto& tag : *tags) {
    if (out.size() >= max_images) {
      return fail(ErrorCode::kLimitExceeded, client.registry() + "/" + repository + ": more than " +
                                                 std::to_string(max_images) + " images in one scan");
    }
    out.push_back(client.registry() + "/" + repository + ":" + tag);
  }
  return {};
}

}  // namespace

Result<void> check_registry_targets(const RegistryTargets& targets) {
  for (const auto& text : targets.repositories) {
    auto name = parse_repository_name(text);
    if (!name) return std::unexpected(name.error());
    if (name->repository.empty()) {
      return fail(ErrorCode::kInvalidInput, "'" + text + "' names a registry, not a repository; list it under \"registries\"");
    }
  }
  for (const auto& text : targets.registries) {
    auto name = parse_repository_name(text);
    if (!name) return std::unexpected(name.error());
    if (!name->repository.empty()) {
      return fail(ErrorCode::kInvalidInput, "'" + text + "' names a repository, not a registry; list it under \"repositories\"");
    }
  }
  return {};
}

std::string targets_json(const RegistryTargets& targets) {
  return nlohmann::json{{"repositories", targets.repositories}, {"registries", targets.registries}}.dump();
}

Result<RegistryTargets> parse_targets_json(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  RegistryTargets out;
  auto strings = [&](const char* key, std::vector<std::string>& into) {
    if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array()) return false;
    for (const auto& v : doc[key]) {
      if (!v.is_string()) return false;
      into.push_back(v.get<std::string>());
    }
    return true;
  };
  if (!strings("repositories", out.repositories) || !strings("registries", out.registries)) {
    return fail(ErrorCode::kCorrupt, "a scan's stored targets are not what the coordinator wrote");
  }
  return out;
}

Result<std::vector<std::string>> expand_registry_targets(const std::vector<std::string>& repositories,
                                                         const std::vector<std::string>& registries,
                                                         worker::RegistryClients& clients, std::size_t max_images) {
  std::vector<std::string> out;
  for (const auto& text : repositories) {
    auto name = parse_repository_name(text);
    if (!name) return std::unexpected(name.error());
    if (name->repository.empty()) {
      return fail(ErrorCode::kInvalidInput, "'" + text + "' names a registry, not a repository; list it under \"registries\"");
    }
    if (auto r = add_tags(*clients.get(name->registry), name->repository, max_images, out); !r) {
      return std::unexpected(r.error());
    }
  }
  for (const auto& text : registries) {
    auto name = parse_repository_name(text);
    if (!name) return std::unexpected(name.error());
    if (!name->repository.empty()) {
      return fail(ErrorCode::kInvalidInput, "'" + text + "' names a repository, not a registry; list it under \"repositories\"");
    }
    auto client = clients.get(name->registry);
    auto catalog = client->catalog();
    if (!catalog) return std::unexpected(catalog.error());
    for (const auto& repository : *catalog) {
      if (auto r = add_tags(*client, repository, max_images, out); !r) return std::unexpected(r.error());
    }
  }
  return out;
}

}  // namespace strata::coordinator
