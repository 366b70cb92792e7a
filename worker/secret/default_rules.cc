// strata's built-in secret rules, in the same TOML as --secret-config files. Each rule is tested
// on a true positive and a near miss (tests/unit/worker/secret/secret_rules_test.cc). Severities:
// CRITICAL for keys that grant cloud or signing power outright, HIGH for service tokens,
// MEDIUM for generic assignments whose meaning depends on context.
#include "worker/api/secret_rules.h"

namespace strata::worker {
namespace {

constexpr std::string_view kDefaultRules = R"toml(
# Distribution documentation and headers, and the library trees of language package managers:
# what the image's owner writes (an application, its configuration, a home directory) lives
# elsewhere, and these trees are large. The same choice as gitleaks' defaults for library
# directories; a --secret-config without [extend] replaces it.
[[allowlists]]
description = "documentation, headers and third-party library trees"
paths = [
  '''(?:^|/)usr/share/(?:doc|man|info|locale|i18n|zoneinfo|help|gtk-doc|icons|fonts|mime|bash-completion|zsh|vim|emacs|texmf|perl5?|javascript|X11)/''',
  '''(?:^|/)usr/(?:local/)?include/''',
  '''(?:^|/)usr/src/''',
  '''(?:^|/)usr/(?:local/)?lib(?:64)?/python[0-9.]+/''',
  '''(?:^|/)usr/lib/python3/dist-packages/''',
  '''(?:^|/)(?:site|dist)-packages/[^/]+\.(?:dist|egg)-info/''',
  '''(?:^|/)usr/(?:share|lib)/(?:perl5?|x86_64-linux-gnu/perl5?|aarch64-linux-gnu/perl5?)/''',
  '''(?:^|/)node_modules/''',
  '''(?:^|/)usr/(?:local/)?lib/(?:go|golang|jvm|ruby)/''',
  '''(?:^|/)vendor/(?:bundle|ruby)/''',
  '''\.(?:png|jpe?g|gif|svg|ico|woff2?|ttf|otf|eot|pdf|mo)$''',
]

# Documentation and placeholder values are not secrets wherever they appear.
[[allowlists]]
description = "placeholders and documentation examples"
regexes = [
  '''(?i)example|sample|dummy|placeholder|changeme|change_me|your[_-]?(?:key|token|secret|password)|xxxxxx|\*\*\*\*|<[a-z_ -]+>''',
  '''^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$''',
  '''^\{\{.*\}\}$''',
  '''^(?:true|false|null|none|undefined)$''',
]

[[rules]]
id = "aws-access-key-id"
description = "AWS access key id"
regex = '''\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b'''
keywords = ["akia", "asia", "abia", "acca"]
entropy = 3.0
severity = "CRITICAL"

[[rules]]
id = "aws-secret-access-key"
description = "AWS secret access key"
regex = '''(?i)aws_?(?:secret)?_?(?:access)?_?key["']?\s*(?::|=>?)\s*["']?([A-Za-z0-9/+]{40})\b'''
keywords = ["aws"]
entropy = 4.0
severity = "CRITICAL"

[[rules]]
id = "gcp-service-account"
description = "Google Cloud service-account key (JSON)"
regex = '''"private_key_id"\s*:\s*"([a-f0-9]{40})"'''
keywords = ["private_key_id"]
severity = "CRITICAL"

[[rules]]
id = "gcp-api-key"
description = "Google API key"
regex = '''\b(AIza[0-9A-Za-z_-]{35})\b'''
keywords = ["aiza"]
severity = "HIGH"

[[rules]]
id = "azure-storage-account-key"
description = "Azure storage account key in a connection string"
regex = '''(?i)AccountKey=([A-Za-z0-9+/]{86}==)'''
keywords = ["accountkey"]
severity = "CRITICAL"

[[rules]]
id = "azure-identifiable-key"
description = "Azure identifiable key (AI services, container registry, search, API management)"
regex = '''\b([A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}(?:AZCR|ACOG|AZSe|AZFD|AZEG|ACDb|APIM)[A-Za-z0-9]{4})\b'''
keywords = ["jqqj99"]
severity = "HIGH"

[[rules]]
id = "azure-entra-client-secret"
description = "Microsoft Entra ID (Azure AD) client secret"
regex = '''(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)'''
keywords = ["q~"]
entropy = 3.0
severity = "HIGH"

[[rules]]
id = "azure-sas-token"
description = "Azure shared access signature"
regex = '''\bsv=\d{4}-\d{2}-\d{2}&[^\s"'<>]*?\bsig=([A-Za-z0-9%+/]{30,}(?:=|%3[Dd]){0,2})'''
keywords = ["sig="]
severity = "HIGH"

[[rules]]
id = "azure-app-configuration-connection-string"
description = "Azure App Configuration connection string"
regex = '''Endpoint=https://[A-Za-z0-9-]+\.azconfig\.io;Id=[^;\s]+;Secret=([A-Za-z0-9+/]{20,}={0,2})'''
keywords = ["azconfig.io"]
severity = "HIGH"

[[rules]]
id = "alibaba-access-key-id"
description = "Alibaba Cloud AccessKey ID"
regex = '''\b(LTAI[A-Za-z0-9]{20})\b'''
keywords = ["ltai"]
entropy = 3.0
severity = "HIGH"

[[rules]]
id = "huggingface-token"
description = "Hugging Face access token"
regex = '''\b(hf_[A-Za-z0-9]{34,40})\b'''
keywords = ["hf_"]
entropy = 3.0
severity = "HIGH"

[[rules]]
id = "kubernetes-docker-config"
description = "Registry credentials in a Kubernetes image-pull secret (.dockerconfigjson, .dockercfg)"
regex = '''\.docker(?:configjson|cfg)["']?\s*:\s*["']?([A-Za-z0-9+/]{8,}={0,2})'''
keywords = [".dockerconfigjson", ".dockercfg"]
severity = "HIGH"

[[rules]]
id = "maven-settings-credential"
description = "Password, passphrase or master password in Maven settings"
path = '''(?:^|/)settings(?:-security)?\.xml$'''
regex = '''<(?:password|passphrase|master)>\s*([^<{$\s][^<]*?)\s*</(?:password|passphrase|master)>'''
keywords = ["<password>", "<passphrase>", "<master>"]
severity = "HIGH"

[[rules]]
id = "github-token"
description = "GitHub personal access, OAuth, app or refresh token"
# The second form is an app installation token that carries its installation id and a JWT.
regex = '''\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})\b'''
keywords = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
severity = "HIGH"

[[rules]]
id = "github-fine-grained-token"
description = "GitHub fine-grained personal access token"
regex = '''\b(github_pat_[A-Za-z0-9_]{82})\b'''
keywords = ["github_pat_"]
severity = "HIGH"

[[rules]]
id = "gitlab-token"
description = "GitLab personal, project or group access token"
regex = '''\b(glpat-[A-Za-z0-9_-]{20})\b'''
keywords = ["glpat-"]
severity = "HIGH"

[[rules]]
id = "slack-token"
description = "Slack bot, user, app or configuration token"
regex = '''\b(xox[abposr]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,})\b'''
keywords = ["xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"]
severity = "HIGH"

[[rules]]
id = "slack-webhook"
description = "Slack incoming webhook URL"
regex = '''(https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[AB][A-Z0-9]{6,}/[A-Za-z0-9]{20,})'''
keywords = ["hooks.slack.com"]
severity = "HIGH"

[[rules]]
id = "stripe-key"
description = "Stripe secret or restricted API key"
regex = '''\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99})\b'''
keywords = ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]
severity = "HIGH"

[[rules]]
id = "twilio-api-key"
description = "Twilio API key"
regex = '''\b(SK[0-9a-f]{32})\b'''
keywords = ["sk"]
entropy = 3.0
severity = "HIGH"

[[rules]]
id = "sendgrid-api-key"
description = "SendGrid API key"
regex = '''\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b'''
# No keyword: "sg." is in every "msg."; the expression's own "SG." is what Hyperscan seeks.
severity = "HIGH"

[[rules]]
id = "npm-token"
description = "npm access token"
regex = '''\b(npm_[A-Za-z0-9]{36})\b'''
keywords = ["npm_"]
severity = "HIGH"

[[rules]]
id = "npmrc-auth-token"
description = "npm registry credentials in .npmrc"
path = '''(?:^|/)\.npmrc$'''
regex = '''(?i)_(?:authToken|auth|password)\s*=\s*["']?([^\s"']{8,})'''
keywords = ["_auth", "_password"]
severity = "HIGH"

[[rules]]
id = "pypi-token"
description = "PyPI upload token"
regex = '''\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})'''
keywords = ["pypi-ageichlwas5vcmc"]
severity = "HIGH"

[[rules]]
id = "pypirc-password"
description = "Package index password in .pypirc"
path = '''(?:^|/)\.pypirc$'''
regex = '''(?im)^\s*password\s*[:=]\s*(\S+)'''
keywords = ["password"]
severity = "HIGH"

[[rules]]
id = "jwt"
description = "JSON Web Token"
regex = '''\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})'''
keywords = ["eyj"]
severity = "MEDIUM"

[[rules]]
id = "private-key"
description = "Private key (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted)"
# The body is the secret (its line is the finding's); "\n" escapes let a key inside a JSON string
# (a service-account file, a Helm value) match too.
regex = '''-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n)*([A-Za-z0-9+/=\s:,\\-]{64,}?)-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----'''
keywords = ["private key"]
severity = "CRITICAL"

[[rules]]
id = "ssh-private-key-file"
description = "SSH private key file"
path = '''(?:^|/)id_(?:rsa|dsa|ecdsa|ed25519)$'''
severity = "HIGH"

[[rules]]
id = "generic-credential"
description = "Password, secret, API key or token assigned a literal value"
regex = '''(?i)\b[a-z0-9_.-]{0,30}(?:password|passwd|secret|api_?key|access_?key|token|client_?secret)[a-z0-9_.-]{0,20}["']?\s*(?::=|=>|[:=])\s*["']?([A-Za-z0-9!#%&*+./:<>?@^_~-]{8,128})["']?'''
keywords = ["password", "passwd", "secret", "api_key", "apikey", "access_key", "accesskey", "token"]
entropy = 3.5
severity = "MEDIUM"
# Code, not a literal: an identifier or a dotted attribute path ("self.token_validator").
[[rules.allowlists]]
regexes = [
  '''^[A-Za-z_]+$''',
  '''^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$''',
]

[[rules]]
id = "url-credentials"
description = "Credentials in a URL (scheme://user:password@host)"
regex = '''\b[a-z][a-z0-9+.-]{1,20}://[^\s:@/"']{1,64}:([^\s:@/"']{3,128})@[a-z0-9.-]+'''
keywords = ["://"]
entropy = 2.0
severity = "HIGH"

[[rules]]
id = "url-token-parameter"
description = "Credential in a URL query parameter (auth=, token=, key=)"
regex = '''[?&](?:auth|token|access_token|api_key|apikey|key|password|secret)=([A-Za-z0-9_.~%+/-]{8,})'''
keywords = ["auth=", "token=", "key=", "password=", "secret="]
entropy = 3.0
severity = "HIGH"

[[rules]]
id = "docker-config-auth"
description = "Registry credentials in a Docker config.json"
path = '''(?:^|/)\.docker/config\.json$|(?:^|/)config\.json$'''
regex = '''"auth"\s*:\s*"([A-Za-z0-9+/=]{12,})"'''
keywords = ["auth"]
severity = "HIGH"

[[rules]]
id = "aws-credentials-file"
description = "AWS shared credentials file with a secret key"
path = '''(?:^|/)\.aws/credentials$'''
regex = '''(?im)^\s*aws_secret_access_key\s*=\s*(\S+)'''
keywords = ["aws_secret_access_key"]
severity = "CRITICAL"

[[rules]]
id = "git-credentials"
description = "Stored Git credentials"
path = '''(?:^|/)\.git-credentials$'''
regex = '''[a-z]+://[^:\s]+:([^@\s]+)@'''
severity = "HIGH"

[[rules]]
id = "pgpass"
description = "PostgreSQL password file entry"
path = '''(?:^|/)\.pgpass$'''
regex = '''(?m)^[^:#\n]*:[^:\n]*:[^:\n]*:[^:\n]*:(.+)$'''
severity = "HIGH"

[[rules]]
id = "netrc-password"
description = "Password in a .netrc file"
path = '''(?:^|/)[._]netrc$'''
regex = '''\bpassword\s+(\S+)'''
keywords = ["password"]
severity = "HIGH"

[[rules]]
id = "htpasswd-hash"
description = "Password hash in an htpasswd file"
path = '''(?:^|/)\.?htpasswd$'''
regex = '''(?m)^[^:\s#]+:(\$(?:apr1|2[aby]|5|6)\$\S+|\{SHA\}\S+)'''
severity = "MEDIUM"

[[rules]]
id = "kubeconfig-credential"
description = "Token or client key in a kubeconfig"
path = '''(?:^|/)(?:\.kube/config|kubeconfig[^/]*)$'''
regex = '''(?m)^\s*(?:token|client-key-data|password)\s*:\s*["']?([A-Za-z0-9_.=/+-]{16,})'''
severity = "HIGH"

[[rules]]
id = "dotenv-secret"
description = "Secret in a .env file"
path = '''(?:^|/)\.env(?:\.[A-Za-z0-9_-]+)?$'''
regex = '''(?m)^\s*(?:export\s+)?[A-Za-z0-9_]*(?:PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY)[A-Za-z0-9_]*\s*=\s*["']?([^\s"'#]{6,})'''
severity = "HIGH"
)toml";

}  // namespace

const SecretRuleSet& default_secret_rules() {
  static const SecretRuleSet rules = [] {
    auto parsed = parse_secret_rules(kDefaultRules, "built-in secret rules");
    // The built-in text is tested; a failure here is a bug in this file, not in any input.
    return parsed ? *parsed : SecretRuleSet{};
  }();
  return rules;
}

}  // namespace strata::worker
