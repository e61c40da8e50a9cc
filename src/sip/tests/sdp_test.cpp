#include "sip/sdp/sdp.hpp"

#include <gtest/gtest.h>

#include <string>

namespace es::sip::sdp {
namespace {

// What SIPp's uac scenario offers, less the o= and s= lines.
constexpr std::string_view kSippOffer =
    "v=0\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

const std::vector<std::string> kPrefs{"PCMU", "PCMA"};

TEST(Sdp, ReadsSippsOffer) {
  const auto offer = parse_audio(kSippOffer);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->connection_ip, "127.0.0.1");
  EXPECT_EQ(offer->port, 6000);
  ASSERT_EQ(offer->formats.size(), 1U);
  EXPECT_EQ(offer->formats[0].encoding, "PCMU");
  const auto chosen = negotiate(*offer, kPrefs);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->payload_type, 0);
  EXPECT_FALSE(chosen->telephone_event_type);
}

TEST(Sdp, FollowsTheOfferOrderAndFindsTelephoneEvent) {
  const std::string offer_text =
      "v=0\nc=IN IP4 10.0.0.1\nt=0 0\n"
      "m=video 7000 RTP/AVP 96\nc=IN IP4 10.9.9.9\n"
      "m=audio 4000 RTP/AVP 9 8 0 101\nc=IN IP4 192.0.2.7\n"
      "a=rtpmap:9 G722/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n"
      "a=ptime:20\na=sendonly\n"
      "m=audio 5000 RTP/AVP 0\n";
  const auto offer = parse_audio(offer_text);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->connection_ip, "192.0.2.7");
  EXPECT_EQ(offer->port, 4000);
  EXPECT_EQ(offer->direction, Direction::kSendOnly);
  EXPECT_EQ(offer->ptime_ms, 20);
  const auto chosen = negotiate(*offer, kPrefs);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->codec, "PCMA");  // G722 is not ours; PCMA comes before PCMU
  EXPECT_EQ(chosen->payload_type, 8);
  EXPECT_EQ(chosen->telephone_event_type, 101);
}

TEST(Sdp, NoCommonCodecMeans488) {
  const auto offer = parse_audio("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18 9\r\n");
  ASSERT_TRUE(offer);
  EXPECT_FALSE(negotiate(*offer, kPrefs));
  // PCMU offered but we prefer only PCMA.
  const auto pcmu = parse_audio(kSippOffer);
  EXPECT_FALSE(negotiate(*pcmu, {"PCMA"}));
  // A dynamic type naming PCMU at 16 kHz is not G.711 at our rate.
  const auto wide = parse_audio("c=IN IP4 1.2.3.4\nm=audio 1 RTP/AVP 96\na=rtpmap:96 PCMU/16000\n");
  ASSERT_TRUE(wide);
  EXPECT_FALSE(negotiate(*wide, kPrefs));
}

TEST(Sdp, RefusesUnusableOffers) {
  EXPECT_FALSE(parse_audio(""));
  EXPECT_FALSE(parse_audio("v=0\r\nc=IN IP4 1.2.3.4\r\n"));                      // no audio
  EXPECT_FALSE(parse_audio("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));                // no address
  EXPECT_FALSE(parse_audio("c=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n"));  // port
  EXPECT_FALSE(parse_audio("c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/SAVP 0\r\n"));  // SRTP
  EXPECT_FALSE(parse_audio(std::string(kMaxSdpBytes + 1, 'a')));
}

TEST(Sdp, SurvivesGarbageAndBoundsTheFormatList) {
  std::string many = "c=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP";
  for (int i = 0; i < 200; ++i) {
    many += ' ';
    many += std::to_string(i % 128);
  }
  many += " x -1 300\na=rtpmap:\na=rtpmap:0\na=rtpmap:0 /\na=rtpmap:abc PCMU/8000\n=\nzz\n";
  const auto offer = parse_audio(many);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->formats.size(), kMaxFormats);
  EXPECT_EQ(offer->formats[0].encoding, "PCMU");
}

TEST(Sdp, BuildsAnAnswerItCanReadBack) {
  const Negotiated media{8, "PCMA", 101};
  const auto text = build("127.0.0.1", 20000, media, 42, 1);
  EXPECT_NE(text.find("m=audio 20000 RTP/AVP 8 101\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=fmtp:101 0-16\r\n"), std::string::npos);
  const auto back = parse_audio(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->connection_ip, "127.0.0.1");
  EXPECT_EQ(back->port, 20000);
  const auto again = negotiate(*back, kPrefs);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->codec, "PCMA");
  EXPECT_EQ(again->telephone_event_type, 101);
}

TEST(Sdp, OfferCarriesG711AndTelephoneEventAndReadsBack) {
  const std::string text = build_offer("127.0.0.1", 20000, {"PCMA", "G729", "PCMU", "PCMA"}, 7, 1);
  EXPECT_NE(text.find("m=audio 20000 RTP/AVP 8 0 101\r\n"), std::string::npos) << text;
  const auto offer = parse_audio(text);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->connection_ip, "127.0.0.1");
  ASSERT_EQ(offer->formats.size(), 3U);
  EXPECT_EQ(offer->formats[0].encoding, "PCMA");
  EXPECT_EQ(offer->formats[1].encoding, "PCMU");
  EXPECT_EQ(offer->formats[2].encoding, "TELEPHONE-EVENT");
  EXPECT_EQ(offer->ptime_ms, 20);
  const auto chosen = negotiate(*offer, kPrefs);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->codec, "PCMA");
  EXPECT_EQ(chosen->telephone_event_type, kOfferTelephoneEventType);
}

}  // namespace
}  // namespace es::sip::sdp
