#include "sip/sdp/sdp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "protocol/ascii.hpp"

namespace es::sip::sdp {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return out;
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Splits off the next space-separated token of `rest`.
std::string_view token(std::string_view& rest) {
  const auto start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const auto end = rest.find(' ');
  const auto word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  return word;
}

// "IN IP4 192.0.2.1" -> the address, or empty.
std::string connection_address(std::string_view value) {
  if (token(value) != "IN") return {};
  const auto type = token(value);
  if (type != "IP4" && type != "IP6") return {};
  return std::string(token(value));
}

// The encoding of the static payload types G.711 uses, for offers without rtpmap lines.
std::string static_encoding(int payload_type) {
  if (payload_type == 0) return "PCMU";
  if (payload_type == 8) return "PCMA";
  return {};
}

}  // namespace

std::optional<AudioOffer> parse_audio(std::string_view text) {
  if (text.size() > kMaxSdpBytes) return std::nullopt;
  AudioOffer offer;
  std::string session_ip;
  std::string media_ip;
  bool in_audio = false;
  bool seen_audio = false;
  bool seen_media = false;  // any m= line: c= lines from here on belong to a stream
  while (!text.empty()) {
    const auto eol = text.find('\n');
    auto line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 2 || line[1] != '=') continue;
    const char kind = line[0];
    auto value = line.substr(2);
    if (kind == 'm') {
      if (seen_audio) break;  // only the first audio stream
      seen_media = true;
      const auto media = token(value);
      in_audio = media == "audio";
      if (!in_audio) continue;
      seen_audio = true;
      const auto port = number<std::uint16_t>(token(value));
      const auto profile = token(value);
      if (!port || (profile != "RTP/AVP" && profile != "RTP/AVPF")) return std::nullopt;
      offer.port = *port;
      for (auto fmt = token(value); !fmt.empty(); fmt = token(value)) {
        const auto pt = number<int>(fmt);
        if (!pt || *pt < 0 || *pt > 127) continue;
        if (offer.formats.size() == kMaxFormats) break;
        offer.formats.push_back({*pt, static_encoding(*pt), 8000});
      }
    } else if (kind == 'c') {
      if (!seen_media) {
        session_ip = connection_address(value);
      } else if (in_audio) {
        media_ip = connection_address(value);
      }
    } else if (kind == 'a' && in_audio) {
      if (value == "sendrecv")
        offer.direction = Direction::kSendRecv;
      else if (value == "sendonly")
        offer.direction = Direction::kSendOnly;
      else if (value == "recvonly")
        offer.direction = Direction::kRecvOnly;
      else if (value == "inactive")
        offer.direction = Direction::kInactive;
      else if (value.starts_with("ptime:")) {
        offer.ptime_ms = number<int>(value.substr(6)).value_or(0);
      } else if (value.starts_with("rtpmap:")) {
        value.remove_prefix(7);
        const auto pt = number<int>(token(value));
        const auto spec = token(value);  // encoding/clock[/channels]
        const auto slash = spec.find('/');
        if (!pt || slash == std::string_view::npos || slash == 0) continue;
        const auto rest = spec.substr(slash + 1);
        const auto rate = number<int>(rest.substr(0, rest.find('/')));
        for (auto& format : offer.formats) {
          if (format.payload_type != *pt) continue;
          format.encoding = upper(spec.substr(0, slash));
          format.clock_rate = rate.value_or(0);
        }
      }
    }
  }
  offer.connection_ip = !media_ip.empty() ? media_ip : session_ip;
  if (!seen_audio || offer.connection_ip.empty()) return std::nullopt;
  return offer;
}

std::optional<Negotiated> negotiate(const AudioOffer& offer,
                                    const std::vector<std::string>& codec_prefs) {
  Negotiated result;
  bool have_codec = false;
  for (const auto& format : offer.formats) {
    if (format.encoding == "TELEPHONE-EVENT" && format.clock_rate == 8000) {
      if (!result.telephone_event_type) result.telephone_event_type = format.payload_type;
      continue;
    }
    if (have_codec || format.clock_rate != 8000) continue;
    for (const auto& pref : codec_prefs) {
      if (protocol::iequals(pref, format.encoding)) {
        result.payload_type = format.payload_type;
        result.codec = format.encoding;
        have_codec = true;
        break;
      }
    }
  }
  if (!have_codec) return std::nullopt;
  return result;
}

std::string build(std::string_view ip, std::uint16_t port, const Negotiated& media,
                  std::uint64_t session_id, std::uint64_t version) {
  // fmt rather than string operator+ chains, which trip GCC 12's -Wrestrict false positive.
  const std::string_view family = ip.find(':') != std::string_view::npos ? "IP6" : "IP4";
  std::string out = fmt::format(
      "v=0\r\no=eventswitch {} {} IN {} {}\r\ns=eventswitch\r\nc=IN {} {}\r\nt=0 0\r\n"
      "m=audio {} RTP/AVP {}",
      session_id, version, family, ip, family, ip, port, media.payload_type);
  if (media.telephone_event_type) out += fmt::format(" {}", *media.telephone_event_type);
  out += fmt::format("\r\na=rtpmap:{} {}/8000\r\n", media.payload_type, media.codec);
  if (media.telephone_event_type) {
    out += fmt::format("a=rtpmap:{0} telephone-event/8000\r\na=fmtp:{0} 0-16\r\n",
                       *media.telephone_event_type);
  }
  out += "a=ptime:20\r\na=sendrecv\r\n";
  return out;
}

std::string build_offer(std::string_view ip, std::uint16_t port,
                        const std::vector<std::string>& codec_prefs, std::uint64_t session_id,
                        std::uint64_t version) {
  const std::string_view family = ip.find(':') != std::string_view::npos ? "IP6" : "IP4";
  std::vector<int> types;
  std::string maps;
  for (const auto& pref : codec_prefs) {
    const int pt = protocol::iequals(pref, "PCMU") ? 0 : protocol::iequals(pref, "PCMA") ? 8 : -1;
    if (pt < 0 || std::find(types.begin(), types.end(), pt) != types.end()) continue;
    types.push_back(pt);
    maps += fmt::format("a=rtpmap:{} {}/8000\r\n", pt, pt == 0 ? "PCMU" : "PCMA");
  }
  std::string m_formats;
  for (const int pt : types) m_formats += fmt::format(" {}", pt);
  return fmt::format(
      "v=0\r\no=eventswitch {} {} IN {} {}\r\ns=eventswitch\r\nc=IN {} {}\r\nt=0 0\r\n"
      "m=audio {} RTP/AVP{} {}\r\n{}a=rtpmap:{} telephone-event/8000\r\na=fmtp:{} 0-16\r\n"
      "a=ptime:20\r\na=sendrecv\r\n",
      session_id, version, family, ip, family, ip, port, m_formats, kOfferTelephoneEventType, maps,
      kOfferTelephoneEventType, kOfferTelephoneEventType);
}

}  // namespace es::sip::sdp
