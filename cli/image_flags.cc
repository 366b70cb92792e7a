#include "cli/image_flags.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/progress_bar.h"

#include "worker/api/analyzer_registry.h"
#include "worker/api/registry_client.h"
#include "worker/api/secret_scanner.h"

namespace strata::cli {
void add_image_flags(CLI::App* cmd, ImageArgs& args) {
  cmd->add_option("REF", args.ref,
                  "[REGISTRY/]REPO[:TAG|@sha256:DIGEST], oci:DIR[:TAG], oci:DIR@sha256:DIGEST, docker-archive:FILE "
                  "or rootfs:DIR")
      ->required();
  cmd->add_option("--insecure-registry", args.insecure_registries,
                  "a registry reached over plain http (loopback always is); repeatable");
  cmd->add_option("--username", args.username,
                  "registry user (with --password-stdin); else STRATA_REGISTRY_USERNAME/_PASSWORD for the "
                  "registry STRATA_REGISTRY_HOST names, or "
                  "~/.docker/config.json");
  cmd->add_flag("--password-stdin", args.password_stdin, "read the registry password from standard input");
  cmd->add_option("--platform", args.options.platform,
                  "OS/ARCH[/VARIANT] to pick from a multi-platform index (default linux/amd64), or 'all'");
  cmd->add_option("--max-entry-size", args.max_entry_mib, "largest file read into memory, MiB")->capture_default_str();
  cmd->add_option("--max-layer-size", args.max_layer_mib, "largest uncompressed layer, MiB")->capture_default_str();
  cmd->add_option("--max-entries", args.options.limits.max_entries, "most entries in one layer")->capture_default_str();
  cmd->add_option("--max-ratio", args.options.limits.stream.max_ratio,
                  "largest compression ratio before a layer counts as a decompression bomb")
      ->capture_default_str();
  cmd->add_option("--max-path-length", args.options.limits.max_path_length, "longest entry path, bytes")
      ->capture_default_str();
  cmd->add_option("--scanners", args.scanners,
                  "what to look for: vuln (OS and language packages), secret, config (configuration checks)")
      ->delimiter(',')
      ->check(CLI::IsMember({"vuln", "secret", "config"}))
      ->capture_default_str();
  cmd->add_option("--secret-config", args.secret_config,
                  "secret rules (gitleaks TOML) replacing the built-in ones, or extending them with "
                  "[extend] useDefault = true");
  cmd->add_option("--secret-max-size", args.secret_max_mib, "largest file scanned for secrets, MiB")
      ->capture_default_str();
}

namespace {

Result<worker::AnalyzerOptions> analyzer_options(const ImageArgs& args) {
  worker::AnalyzerOptions options;
  auto wanted = [&](const char* s) { return std::find(args.scanners.begin(), args.scanners.end(), s) != args.scanners.end(); };
  options.packages = wanted("vuln");
  options.secrets = wanted("secret");
  options.config = wanted("config");
  options.secret_max_file_bytes = args.secret_max_mib << 20;
  if (options.secrets && !args.secret_config.empty()) {
    auto rules = worker::load_secret_rules(args.secret_config);
    if (!rules) return std::unexpected(rules.error());
    auto scanner = worker::SecretScanner::compile(*rules);
    if (!scanner) return std::unexpected(scanner.error().with_context(args.secret_config));
    for (const auto& skipped : (*scanner)->skipped()) std::cerr << "strata: warning: secret rule skipped: " << skipped << "\n";
    options.secret_scanner = *scanner;
  }
  return options;
}

// The registry options of a run; the password is read once, here, and kept only in memory.
Result<std::shared_ptr<worker::RegistryClients>> registry_clients(const ImageArgs& args, const ImageReference& ref) {
  worker::RegistryOptions options;
  options.insecure_registries = args.insecure_registries;
  if (args.password_stdin && args.username.empty()) {
    return fail(ErrorCode::kInvalidInput, "--password-stdin needs --username");
  }
  if (!args.username.empty()) {
    if (!args.password_stdin) {
      return fail(ErrorCode::kInvalidInput, "--username needs --password-stdin (passwords are never taken as arguments)");
    }
    std::string password;
    std::getline(std::cin, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    options.credentials.explicit_credential = RegistryCredential{args.username, std::move(password)};
    // For the registry of REF only: an index or a redirect never carries them elsewhere.
    if (ref.transport == Transport::kRegistry) options.credentials.explicit_registries = {ref.registry};
  }
  return std::make_shared<worker::RegistryClients>(std::move(options));
}

}  // namespace

Result<std::vector<ImageInventory>> inventory_from_args(ImageArgs& args) {
  args.options.limits.max_entry_bytes = args.max_entry_mib << 20;
  args.options.limits.stream.max_uncompressed_bytes = args.max_layer_mib << 20;
  auto ref = ImageReference::parse(args.ref, worker::path_exists);
  if (!ref) return std::unexpected(ref.error());
  auto clients = registry_clients(args, *ref);
  if (!clients) return std::unexpected(clients.error());
  args.options.registries = *clients;
  auto analyzers = analyzer_options(args);
  if (!analyzers) return std::unexpected(analyzers.error());
  const worker::AnalyzerRegistry registry = worker::builtin_analyzers(*analyzers);
  // A progress bar only for a person watching: quiet when standard error is a file or pipe.
  std::optional<ProgressBar> bar;
  if (::isatty(STDERR_FILENO)) args.options.progress = &bar.emplace();
  auto result = worker::inventory_image(*ref, args.options, registry);
  args.options.progress = nullptr;
  if (bar) bar->finished();
  return result;
}

}  // namespace strata::cli
