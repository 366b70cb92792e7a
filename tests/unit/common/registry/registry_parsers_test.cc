// What strata reads from users and registries before any byte of an image: references with
// Docker Hub's defaults, WWW-Authenticate challenges, token answers, Link headers and Docker
// client configs; every malformed input is a clear error, never a guess.
#include <gtest/gtest.h>

#include "common/image/reference.h"
#include "common/registry/auth_challenge.h"
#include "common/registry/credential_scope.h"
#include "common/registry/responses.h"
#include "common/registry/docker_config.h"

namespace strata {
namespace {

bool never(const std::string&) { return false; }

TEST(RegistryReference, DockerHubDefaults) {
  auto alpine = ImageReference::parse("alpine", never);
  ASSERT_TRUE(alpine) << alpine.error().message();
  EXPECT_EQ(alpine->transport, Transport::kRegistry);
  EXPECT_EQ(alpine->registry, "registry-1.docker.io");
  EXPECT_EQ(alpine->repository, "library/alpine");
  EXPECT_EQ(alpine->tag, "latest");
  EXPECT_TRUE(alpine->tag_implied);
  auto org = ImageReference::parse("docker.io/bitnami/redis:7.2", never);
  ASSERT_TRUE(org);
  EXPECT_EQ(org->registry, "registry-1.docker.io");
  EXPECT_EQ(org->repository, "bitnami/redis");
  EXPECT_EQ(org->tag, "7.2");
  EXPECT_FALSE(org->tag_implied);
  auto user = ImageReference::parse("grafana/grafana", never);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->repository, "grafana/grafana");
}

TEST(RegistryReference, HostsPortsDigestsAndDockerScheme) {
  auto local = ImageReference::parse("localhost:5000/team/app:1.0", never);
  ASSERT_TRUE(local) << local.error().message();
  EXPECT_EQ(local->registry, "localhost:5000");
  EXPECT_EQ(local->repository, "team/app");
  EXPECT_EQ(local->tag, "1.0");
  const std::string digest = "sha256:" + std::string(64, 'a');
  auto pinned = ImageReference::parse("ghcr.io/org/tool@" + digest, never);
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->registry, "ghcr.io");
  EXPECT_TRUE(pinned->tag.empty());
  ASSERT_TRUE(pinned->digest);
  EXPECT_EQ(pinned->digest->to_string(), digest);
  auto both = ImageReference::parse("127.0.0.1:5000/a/b:v2@" + digest, never);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->tag, "v2");
  EXPECT_TRUE(both->digest);
  auto scheme = ImageReference::parse("docker://quay.io/prometheus/node-exporter:v1.7.0", never);
  ASSERT_TRUE(scheme);
  EXPECT_EQ(scheme->registry, "quay.io");
  EXPECT_EQ(scheme->repository, "prometheus/node-exporter");
  auto v6 = ImageReference::parse("[::1]:5000/app:1", never);
  ASSERT_TRUE(v6) << v6.error().message();
  EXPECT_EQ(v6->registry, "[::1]:5000");
  EXPECT_TRUE(is_loopback_registry(v6->registry));
  EXPECT_TRUE(is_loopback_registry("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_registry("localhost"));
  EXPECT_FALSE(is_loopback_registry("registry.example:5000"));
  EXPECT_FALSE(is_loopback_registry("127.example.com"));
}

TEST(RegistryReference, MalformedReferencesSayWhatIsWrong) {
  auto upper = ImageReference::parse("registry.example/Team/App:1", never);
  ASSERT_FALSE(upper);
  EXPECT_NE(upper.error().message().find("is not a repository name"), std::string::npos) << upper.error().message();
  auto tag = ImageReference::parse("registry.example/app:-bad", never);
  ASSERT_FALSE(tag);
  EXPECT_NE(tag.error().message().find("is not a tag"), std::string::npos);
  EXPECT_FALSE(ImageReference::parse("registry.example/app@sha256:short", never));
  EXPECT_FALSE(ImageReference::parse("registry.example:99x/app", never));
  EXPECT_FALSE(ImageReference::parse("a//b", never));
  auto https = ImageReference::parse("https://registry.example/app", never);
  ASSERT_FALSE(https);
  EXPECT_NE(https.error().message().find("unknown transport 'https'"), std::string::npos);
  auto on_disk = ImageReference::parse("image.tar", [](const std::string&) { return true; });
  ASSERT_FALSE(on_disk);
  EXPECT_NE(on_disk.error().message().find("is a path on this machine"), std::string::npos);
}

TEST(RegistryReference, RepositoryAndRegistryNames) {
  auto repo = parse_repository_name("127.0.0.1:5000/fleet/app");
  ASSERT_TRUE(repo);
  EXPECT_EQ(repo->registry, "127.0.0.1:5000");
  EXPECT_EQ(repo->repository, "fleet/app");
  auto registry = parse_repository_name("registry.example:5000/");
  ASSERT_TRUE(registry);
  EXPECT_EQ(registry->registry, "registry.example:5000");
  EXPECT_TRUE(registry->repository.empty());
  auto hub = parse_repository_name("nginx");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->registry, "registry-1.docker.io");
  EXPECT_EQ(hub->repository, "library/nginx");
}

TEST(AuthChallenge, BearerAndBasicWithQuotedValues) {
  auto bearer = parse_www_authenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->scheme, "bearer");
  EXPECT_EQ(bearer->params["realm"], "https://auth.example/token");
  EXPECT_EQ(bearer->params["service"], "registry.example");
  EXPECT_EQ(bearer->params["scope"], "repository:a/b:pull,push");  // a comma inside quotes stays
  auto basic = parse_www_authenticate(R"(Basic realm="say \"hi\"", charset=UTF-8)");
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_EQ(basic->params["realm"], "say \"hi\"");
  EXPECT_EQ(basic->params["charset"], "UTF-8");
  // Only the first of two challenges.
  auto two = parse_www_authenticate(R"(Bearer realm="r", Basic realm="b")");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->params["realm"], "r");
  EXPECT_FALSE(parse_www_authenticate(""));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="unterminated)"));
}

TEST(AuthChallenge, TokenAnswers) {
  auto token = parse_token_response(R"({"token":"abc","expires_in":300,"issued_at":"2026-11-29T00:00:00Z"})");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->token, "abc");
  EXPECT_EQ(token->expires_in, 300);
  auto oauth = parse_token_response(R"({"access_token":"xyz"})");
  ASSERT_TRUE(oauth);
  EXPECT_EQ(oauth->token, "xyz");
  EXPECT_EQ(oauth->expires_in, 60);  // the spec's default
  EXPECT_FALSE(parse_token_response(R"({"token":""})"));
  EXPECT_FALSE(parse_token_response("[1]"));
  EXPECT_FALSE(parse_token_response("not json"));
}

TEST(AuthChallenge, LinkHeadersPage) {
  EXPECT_EQ(next_link(R"(</v2/_catalog?last=b&n=2>; rel="next")"), "/v2/_catalog?last=b&n=2");
  EXPECT_EQ(next_link(R"(<https://x/prev>; rel="prev", <https://x/next>; rel="next")"), "https://x/next");
  EXPECT_FALSE(next_link(R"(<https://x/prev>; rel="prev")"));
  EXPECT_FALSE(next_link(""));
  EXPECT_FALSE(next_link("<unterminated"));
  EXPECT_EQ(resolve_link("http://127.0.0.1:5000", "/v2/x"), "http://127.0.0.1:5000/v2/x");
  EXPECT_EQ(resolve_link("http://127.0.0.1:5000/", "https://other/v2/x"), "https://other/v2/x");
}

// Issue 14, defect 3: which token servers may receive a registry's credentials.
TEST(CredentialScope, TokenServersWithinTheRegistrysDomainOnly) {
  struct Case {
    const char* registry;
    const char* realm;
    bool allowed;
  };
  const Case cases[] = {
      {"registry-1.docker.io", "https://auth.docker.io/token", true},
      {"registry.gitlab.com", "https://gitlab.com/jwt/auth", true},
      {"ghcr.io", "https://ghcr.io/token", true},
      {"GHCR.io", "https://ghcr.IO:443/token", true},
      {"127.0.0.1:5000", "http://127.0.0.1:5001/token", true},  // the same host, another port
      {"127.0.0.1:5000", "http://localhost:5000/token", false},
      {"127.0.0.1:5000", "http://127.0.0.2/token", false},
      {"ghcr.io", "https://evil.io/token", false},             // no parent domain above a TLD
      {"registry-1.docker.io", "https://docker.io.evil.com/token", false},
      {"registry-1.docker.io", "https://evildocker.io/token", false},
      {"registry-1.docker.io", "https://user@evil.com/token", false},
      {"registry-1.docker.io", "https://auth.docker.io@evil.com/token", false},
      {"[::1]:5000", "http://[::1]:6000/token", true},
      {"registry-1.docker.io", "ftp://auth.docker.io/token", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.registry) + " -> " + c.realm);
    EXPECT_EQ(realm_may_receive_credentials(c.registry, c.realm, {}), c.allowed);
  }
  EXPECT_TRUE(realm_may_receive_credentials("127.0.0.1:5000", "http://localhost:5000/token", {"LOCALHOST"}));
}

TEST(RegistryResponses, ErrorDocumentsOfAnyShape) {
  EXPECT_EQ(describe_error_document(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"),
            " MANIFEST_UNKNOWN: manifest unknown");
  EXPECT_EQ(describe_error_document(R"({"errors":[{"code":123,"message":null}]})"), "");
  EXPECT_EQ(describe_error_document(R"({"errors":[{"code":"DENIED","message":["x"]}]})"), " DENIED");
  EXPECT_EQ(describe_error_document(R"({"errors":"none"})"), "");
  EXPECT_EQ(describe_error_document(R"([1,2])"), "");
  EXPECT_EQ(describe_error_document("not json"), "");
  EXPECT_EQ(describe_error_document("{\"errors\":[{\"code\":\"X\",\"message\":\"a\\u001b[31mb\"}]}"), " X: a?[31mb");
  EXPECT_EQ(describe_error_document(R"({"errors":[{"message":")" + std::string(1000, 'm') + R"("}]})").size(), 203u);
}

TEST(RegistryResponses, ListingPagesAreBounded) {
  std::vector<std::string> out;
  ASSERT_TRUE(append_listing_page(R"({"tags":["a",1,"b",null]})", "tags", 10, out));
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(append_listing_page(R"({"tags":null})", "tags", 10, out));
  EXPECT_EQ(append_listing_page("[]", "tags", 10, out).error().code(), ErrorCode::kCorrupt);
  const auto over = append_listing_page(R"({"tags":["c","d","e"]})", "tags", 4, out);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(out.size(), 4u);
}

TEST(DockerConfig, AuthsHelpersAndDamage) {
  const std::string config = R"({
    "auths": {
      "https://index.docker.io/v1/": {"auth": ")" + base64_encode("hubuser:hubpass") + R"("},
      "http://localhost:5000": {"username": "ci", "password": "s3cret"},
      "ghcr.io": {},
      "broken.example": {"auth": "!!!"}
    },
    "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}
  })";
  auto parsed = parse_docker_config(config);
  ASSERT_TRUE(parsed) << parsed.error().message();
  ASSERT_TRUE(parsed->auths.contains("registry-1.docker.io"));
  EXPECT_EQ(parsed->auths["registry-1.docker.io"].username, "hubuser");
  EXPECT_EQ(parsed->auths["registry-1.docker.io"].password, "hubpass");
  EXPECT_EQ(parsed->auths["localhost:5000"].password, "s3cret");
  EXPECT_FALSE(parsed->auths.contains("ghcr.io"));  // an empty entry: a helper holds it
  EXPECT_EQ(parsed->skipped, std::vector<std::string>{"broken.example: \"auth\" is not base64 of user:password"});
  EXPECT_EQ(parsed->helper_registries, std::vector<std::string>{"123.dkr.ecr.us-east-1.amazonaws.com"});
  EXPECT_FALSE(parse_docker_config("[]"));
  EXPECT_TRUE(parse_docker_config("{}"));
  auto round = base64_decode(base64_encode("a:b:c"));
  ASSERT_TRUE(round);
  EXPECT_EQ(*round, "a:b:c");
  EXPECT_EQ(*base64_decode("YTpi"), "a:b");
  EXPECT_EQ(*base64_decode("YQ"), "a");  // unpadded
}

}  // namespace
}  // namespace strata
