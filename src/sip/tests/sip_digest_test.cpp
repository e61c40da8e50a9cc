// Digest computation (RFC 2617's example), the nonce table, and SofiaAuth's decisions against
// a small XML directory.
#include "sip/sofia/sip_digest.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/global_vars.hpp"
#include "core/xml_config.hpp"
#include "sip/sofia/sofia_auth.hpp"
#include "sip/sofia/sofia_config.hpp"

namespace es::sip::sofia {
namespace {

// RFC 2617 section 3.5, with the header parameters as sofia-sip hands them over.
const std::vector<std::string> kRfc2617Params = {
    "username=\"Mufasa\"",
    "realm=\"testrealm@host.com\"",
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
    "uri=\"/dir/index.html\"",
    "qop=auth",
    "nc=00000001",
    "cnonce=\"0a4f113b\"",
    "response=\"6629fae49393a05397450978507c4ef1\"",
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
};

TEST(SipDigest, Md5OfKnownTexts) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(SipDigest, Rfc2617Example) {
  const auto c = parse_digest_params(kRfc2617Params);
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.realm, "testrealm@host.com");
  EXPECT_EQ(c.qop, "auth");
  EXPECT_EQ(c.nc, "00000001");
  EXPECT_EQ(c.cnonce, "0a4f113b");
  EXPECT_TRUE(c.complete());
  const auto ha1 = digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(ha1, "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(digest_response(ha1, "GET", c), "6629fae49393a05397450978507c4ef1");
  EXPECT_TRUE(digest_equal(c.response, digest_response(ha1, "GET", c)));
  // The method is part of the digest: the same answer does not fit a POST.
  EXPECT_FALSE(digest_equal(c.response, digest_response(ha1, "POST", c)));
}

TEST(SipDigest, WithoutQopTheShortForm) {
  auto c = parse_digest_params(kRfc2617Params);
  c.qop.clear();
  // MD5(HA1:nonce:HA2), computed independently (Python hashlib).
  EXPECT_EQ(digest_response("939e7578ed9e3c518a452acee763bce9", "GET", c),
            "670fd8c2df070c60b045671b8b24ff02");
}

TEST(SipDigest, ParsingAsModSofia) {
  // Names ignore case, the first of a name wins, quotes go, a value without '=' is skipped.
  const auto c = parse_digest_params(
      {"USERNAME=\"a\"", "username=\"b\"", "realm=r", "bare", "response=\"\"x\""});
  EXPECT_EQ(c.username, "a");
  EXPECT_EQ(c.realm, "r");
  EXPECT_EQ(c.response, "x");
  EXPECT_FALSE(c.complete());  // no nonce, no uri
  EXPECT_TRUE(digest_equal("ABCdef", "abcDEF"));
  EXPECT_FALSE(digest_equal("abc", "abcd"));
  EXPECT_FALSE(digest_equal("", "a"));
}

TEST(NonceTable, IssuedNoncesCheckUntilTheyExpire) {
  NonceTable table(60);
  const auto nonce = table.issue(1000);
  EXPECT_EQ(nonce.size(), 36U);
  EXPECT_NE(table.issue(1000), nonce);
  EXPECT_EQ(table.check(nonce, "", 1000), NonceTable::Check::kOk);
  EXPECT_EQ(table.check(nonce, "", 1000 + 60 + 31), NonceTable::Check::kOk);
  // 60 s of nonce-ttl plus 32 s of T1x64: gone, and forgotten.
  EXPECT_EQ(table.check(nonce, "", 1000 + 92), NonceTable::Check::kStale);
  EXPECT_EQ(table.check(nonce, "", 1000), NonceTable::Check::kStale);
  EXPECT_EQ(table.check("not-ours", "", 1000), NonceTable::Check::kStale);
}

TEST(NonceTable, ANonceCountMustCountUp) {
  NonceTable table(60);
  const auto nonce = table.issue(1000);
  ASSERT_EQ(table.check(nonce, "00000001", 1001), NonceTable::Check::kOk);
  table.accepted(nonce, "00000001", 1001, 3600);
  // The same nc again is a replay: stale, and the nonce is dropped.
  EXPECT_EQ(table.check(nonce, "00000001", 1002), NonceTable::Check::kStale);
  EXPECT_EQ(table.check(nonce, "00000002", 1002), NonceTable::Check::kStale);

  const auto renewed = table.issue(1000);
  table.accepted(renewed, "0000000a", 1001, 3600);
  EXPECT_EQ(table.check(renewed, "00000009", 1002), NonceTable::Check::kStale);
  const auto kept = table.issue(1000);
  table.accepted(kept, "00000001", 1001, 3600);
  // Accepting renews it for the registration's expiry: still good long after 92 s.
  EXPECT_EQ(table.check(kept, "00000002", 1001 + 3600 + 59), NonceTable::Check::kOk);
}

TEST(NonceTable, Bounded) {
  NonceTable table(60);
  const auto first = table.issue(0);
  for (std::size_t i = 1; i < NonceTable::kMaxNonces; ++i) table.issue(10);
  EXPECT_EQ(table.size(), NonceTable::kMaxNonces);
  // Full of live nonces: the one closest to expiring (the first) makes room.
  table.issue(10);
  EXPECT_EQ(table.size(), NonceTable::kMaxNonces);
  EXPECT_EQ(table.check(first, "", 10), NonceTable::Check::kStale);
  // Once they have expired, issuing drops them all.
  table.issue(10 + 200);
  EXPECT_EQ(table.size(), 1U);
}

constexpr const char* kDirectory = R"(<document type="freeswitch/xml">
  <section name="directory">
    <domain name="example.org">
      <params><param name="dial-string" value="{x=y}user/${dialed_user}"/></params>
      <variables><variable name="user_context" value="default"/></variables>
      <groups><group name="default"><users>
        <user id="1000" number-alias="41000">
          <params>
            <param name="password" value="1234"/>
            <param name="sip-forbid-register" value="false"/>
          </params>
          <variables>
            <variable name="user_context" value="office"/>
            <variable name="effective_caller_id_name" value="Extension 1000"/>
          </variables>
        </user>
        <user id="1001"><params><param name="a1-hash" value="%A1%"/></params></user>
        <user id="1002"><params><param name="sip-forbid-register" value="true"/></params></user>
        <user id="1003"/>
        <user id="2000" type="pointer"/>
      </users></group></groups>
    </domain>
  </section>
</document>)";

class SofiaAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = kDirectory;
    text.replace(text.find("%A1%"), 4, digest_ha1("1001", "example.org", "secret"));
    auto loaded = core::XmlConfig::load_text(text, ".", globals_);
    ASSERT_TRUE(loaded) << loaded.error;
    xml_ = loaded.config;
  }

  // A client's answer to `challenge` (the header value), as SIPp builds it.
  static std::vector<std::string> answer(const std::string& challenge, const std::string& user,
                                         const std::string& password, const std::string& nc,
                                         const std::string& method = "INVITE") {
    const auto start = challenge.find("nonce=\"") + 7;
    const std::string nonce = challenge.substr(start, challenge.find('"', start) - start);
    DigestCredentials c;
    c.username = user;
    c.realm = "example.org";
    c.nonce = nonce;
    c.uri = "sip:9999@example.org";
    c.qop = "auth";
    c.nc = nc;
    c.cnonce = "6b8b4567";
    const auto response = digest_response(digest_ha1(user, c.realm, password), method, c);
    return {"username=\"" + user + "\"",
            "realm=\"example.org\"",
            "nonce=\"" + nonce + "\"",
            "uri=\"" + c.uri + "\"",
            "qop=auth",
            "nc=" + nc,
            "cnonce=\"6b8b4567\"",
            "response=\"" + response + "\"",
            "algorithm=MD5"};
  }

  AuthOutcome run(const std::vector<std::string>& params, std::int64_t now = 5000) {
    AuthRequest request{"INVITE", "1000", "example.org", "9999", "example.org", params};
    return auth_.authenticate(request, xml_.get(), now);
  }

  std::string challenge() { return run({}).challenge; }

  static std::string var(const AuthOutcome& outcome, std::string_view name) {
    std::string value;  // the last one set wins, as on a channel
    for (const auto& [n, v] : outcome.variables) {
      if (n == name) value = v;
    }
    return value;
  }

  core::GlobalVars globals_;
  std::shared_ptr<const core::XmlConfig> xml_;
  ProfileConfig config_;
  SofiaAuth auth_{config_};
};

TEST_F(SofiaAuthTest, NoCredentialsGetsA407Challenge) {
  const auto outcome = run({});
  EXPECT_EQ(outcome.status, 407);
  EXPECT_TRUE(outcome.challenge.starts_with("Digest realm=\"example.org\", nonce=\""))
      << outcome.challenge;
  EXPECT_TRUE(outcome.challenge.ends_with("\", algorithm=MD5, qop=\"auth\"")) << outcome.challenge;
  AuthRequest reg{"REGISTER", "1000", "example.org", "1000", "example.org", {}};
  EXPECT_EQ(auth_.authenticate(reg, xml_.get(), 5000).status, 401);
}

TEST_F(SofiaAuthTest, RightPasswordPassesWithTheUsersVariables) {
  const auto outcome = run(answer(challenge(), "1000", "1234", "00000001"));
  ASSERT_EQ(outcome.status, 0) << outcome.challenge;
  EXPECT_EQ(var(outcome, "sip_auth_username"), "1000");
  EXPECT_EQ(var(outcome, "sip_auth_realm"), "example.org");
  EXPECT_EQ(var(outcome, "user_name"), "1000");
  EXPECT_EQ(var(outcome, "domain_name"), "example.org");
  EXPECT_EQ(var(outcome, "number_alias"), "41000");
  EXPECT_EQ(var(outcome, "sip_number_alias"), "41000");
  // The user's own variable beats the domain's; sip-* params come along; others do not.
  EXPECT_EQ(var(outcome, "user_context"), "office");
  EXPECT_EQ(var(outcome, "effective_caller_id_name"), "Extension 1000");
  EXPECT_EQ(var(outcome, "sip-forbid-register"), "false");
  EXPECT_EQ(var(outcome, "password"), "");
  EXPECT_EQ(var(outcome, "dial-string"), "");
}

TEST_F(SofiaAuthTest, WrongPasswordAndUnknownUsersAre403) {
  EXPECT_EQ(run(answer(challenge(), "1000", "wrong", "00000001")).status, 403);
  EXPECT_EQ(run(answer(challenge(), "9876", "1234", "00000001")).status, 403);
  EXPECT_EQ(run(answer(challenge(), "2000", "", "00000001")).status, 403);  // a pointer
  EXPECT_EQ(run(answer(challenge(), "1002", "", "00000001")).status, 403);  // forbidden
  // A user without a password passes (allow-empty-password defaults to true).
  EXPECT_EQ(run(answer(challenge(), "1003", "anything", "00000001")).status, 0);
  // a1-hash stands for the password.
  EXPECT_EQ(run(answer(challenge(), "1001", "secret", "00000001")).status, 0);
  EXPECT_EQ(run(answer(challenge(), "1001", "1234", "00000001")).status, 403);
  // No directory at all: nobody is known.
  AuthRequest request{"INVITE", "1000",        "example.org",
                      "9999",   "example.org", answer(challenge(), "1000", "1234", "00000001")};
  EXPECT_EQ(auth_.authenticate(request, nullptr, 5000).status, 403);
}

TEST_F(SofiaAuthTest, ReplaysAndUnknownNoncesAreStale) {
  const auto params = answer(challenge(), "1000", "1234", "00000001");
  ASSERT_EQ(run(params).status, 0);
  const auto replay = run(params);
  EXPECT_EQ(replay.status, 407);
  EXPECT_NE(replay.challenge.find(", stale=true, algorithm=MD5"), std::string::npos)
      << replay.challenge;
  // A nonce we never issued, or one past its time.
  auto forged = params;
  forged[2] = "nonce=\"00000000-0000-4000-8000-000000000000\"";
  EXPECT_EQ(run(forged).status, 407);
  EXPECT_EQ(run(answer(challenge(), "1000", "1234", "00000001"), 5000 + 92).status, 407);
  // An incomplete header is answered as a stale one.
  const auto incomplete = run({"username=\"1000\""});
  EXPECT_EQ(incomplete.status, 407);
  EXPECT_TRUE(incomplete.stale);
}

TEST_F(SofiaAuthTest, ChallengeRealmAndForcedDomain) {
  ProfileConfig config;
  config.challenge_realm = "auto_from";
  SofiaAuth from_realm(config);
  AuthRequest request{"INVITE", "1000", "from.example", "9999", "to.example", {}};
  EXPECT_NE(
      from_realm.authenticate(request, xml_.get(), 1).challenge.find("realm=\"from.example\""),
      std::string::npos);
  config.challenge_realm = "fixed.example";
  EXPECT_EQ(SofiaAuth(config).challenge_realm(request), "fixed.example");
  EXPECT_EQ(auth_.challenge_realm(request), "to.example");  // default auto_to

  // force-register-domain: the user is looked up there whatever realm the client used.
  config.force_register_domain = "example.org";
  SofiaAuth forced(config);
  AuthRequest invite{"INVITE", "1000", "x", "9999", "x", {}};
  auto c = forced.authenticate(invite, xml_.get(), 1).challenge;
  const auto start = c.find("nonce=\"") + 7;
  DigestCredentials creds;
  creds.username = "1000";
  creds.realm = "fixed.example";
  creds.nonce = c.substr(start, c.find('"', start) - start);
  creds.uri = "sip:9999@x";
  invite.auth_params = {
      "username=1000", "realm=fixed.example", "nonce=" + creds.nonce, "uri=sip:9999@x",
      "response=" + digest_response(digest_ha1("1000", "fixed.example", "1234"), "INVITE", creds)};
  const auto outcome = forced.authenticate(invite, xml_.get(), 1);
  EXPECT_EQ(outcome.status, 0);
  EXPECT_EQ(outcome.domain, "example.org");
}

}  // namespace
}  // namespace es::sip::sofia
