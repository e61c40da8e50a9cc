#include "sip/sip_cause.hpp"

#include <array>
#include <utility>

namespace es::sip {
namespace {

// FreeSWITCH's cause numbers (switch_types.h); the switch names only the ones it raises itself.
namespace c {
constexpr int kUnallocatedNumber = 1;
constexpr int kNoRouteTransitNet = 2;
constexpr int kNoRouteDestination = 3;
constexpr int kNormalClearing = 16;
constexpr int kUserBusy = 17;
constexpr int kNoUserResponse = 18;
constexpr int kNoAnswer = 19;
constexpr int kSubscriberAbsent = 20;
constexpr int kCallRejected = 21;
constexpr int kNumberChanged = 22;
constexpr int kRedirectionToNewDestination = 23;
constexpr int kExchangeRoutingError = 25;
constexpr int kDestinationOutOfOrder = 27;
constexpr int kInvalidNumberFormat = 28;
constexpr int kFacilityRejected = 29;
constexpr int kNormalUnspecified = 31;
constexpr int kNormalCircuitCongestion = 34;
constexpr int kNetworkOutOfOrder = 38;
constexpr int kNormalTemporaryFailure = 41;
constexpr int kSwitchCongestion = 42;
constexpr int kRequestedChanUnavail = 44;
constexpr int kOutgoingCallBarred = 52;
constexpr int kIncomingCallBarred = 54;
constexpr int kBearerCapabilityNotAuth = 57;
constexpr int kBearerCapabilityNotAvail = 58;
constexpr int kServiceUnavailable = 63;
constexpr int kBearerCapabilityNotImpl = 65;
constexpr int kFacilityNotImplemented = 69;
constexpr int kServiceNotImplemented = 79;
constexpr int kIncompatibleDestination = 88;
constexpr int kRecoveryOnTimerExpire = 102;
constexpr int kInterworking = 127;
constexpr int kOriginatorCancel = 487;
constexpr int kInvalidGateway = 808;
constexpr int kGatewayDown = 809;
constexpr int kInvalidUrl = 810;
constexpr int kInvalidProfile = 811;
constexpr int kBusyEverywhere = 815;
constexpr int kDecline = 816;
constexpr int kDoesNotExistAnywhere = 817;
constexpr int kNotAcceptable = 818;
constexpr int kUnwanted = 819;
constexpr int kNoIdentity = 820;
constexpr int kBadIdentityInfo = 821;
constexpr int kUnsupportedCertificate = 822;
constexpr int kInvalidIdentity = 823;
constexpr int kStaleDate = 824;
constexpr int kRejectAll = 825;
}  // namespace c

using Pair = std::pair<int, int>;

// {SIP status, cause}: what a response received means for the leg.
constexpr std::array kStatusToCause{
    Pair{200, c::kNormalClearing},
    Pair{400, c::kNormalTemporaryFailure},
    Pair{401, c::kCallRejected},
    Pair{402, c::kCallRejected},
    Pair{403, c::kCallRejected},
    Pair{404, c::kUnallocatedNumber},
    Pair{405, c::kServiceUnavailable},
    Pair{406, c::kServiceNotImplemented},
    Pair{407, c::kCallRejected},
    Pair{408, c::kRecoveryOnTimerExpire},
    Pair{410, c::kNumberChanged},
    Pair{413, c::kInterworking},
    Pair{414, c::kInterworking},
    Pair{415, c::kServiceNotImplemented},
    Pair{416, c::kInterworking},
    Pair{420, c::kInterworking},
    Pair{421, c::kInterworking},
    Pair{423, c::kInterworking},
    Pair{428, c::kNoIdentity},
    Pair{429, c::kBadIdentityInfo},
    Pair{437, c::kUnsupportedCertificate},
    Pair{438, c::kInvalidIdentity},
    Pair{480, c::kNoUserResponse},
    Pair{481, c::kNormalTemporaryFailure},
    Pair{482, c::kExchangeRoutingError},
    Pair{483, c::kExchangeRoutingError},
    Pair{484, c::kInvalidNumberFormat},
    Pair{485, c::kNoRouteDestination},
    Pair{486, c::kUserBusy},
    Pair{487, c::kOriginatorCancel},
    Pair{488, c::kIncompatibleDestination},
    Pair{500, c::kNormalTemporaryFailure},
    Pair{501, c::kServiceNotImplemented},
    Pair{502, c::kNetworkOutOfOrder},
    Pair{503, c::kNormalTemporaryFailure},
    Pair{504, c::kRecoveryOnTimerExpire},
    Pair{505, c::kInterworking},
    Pair{513, c::kInterworking},
    Pair{600, c::kUserBusy},
    Pair{603, c::kCallRejected},
    Pair{604, c::kNoRouteDestination},
    Pair{606, c::kIncompatibleDestination},
    Pair{607, c::kUnwanted},
    Pair{608, c::kCallRejected},
};

// {cause, SIP status}: the response an inbound call is refused with. Note the asymmetry
// FreeSWITCH keeps: NO_USER_RESPONSE goes out as 408 but 480 comes in as NO_USER_RESPONSE.
constexpr std::array kCauseToStatus{
    Pair{c::kUnallocatedNumber, 404},
    Pair{c::kNoRouteTransitNet, 404},
    Pair{c::kNoRouteDestination, 404},
    Pair{c::kUserBusy, 486},
    Pair{c::kNoUserResponse, 408},
    Pair{c::kNoAnswer, 480},
    Pair{c::kSubscriberAbsent, 480},
    Pair{c::kCallRejected, 603},
    Pair{c::kNumberChanged, 410},
    Pair{c::kRedirectionToNewDestination, 410},
    Pair{c::kExchangeRoutingError, 483},
    Pair{c::kDestinationOutOfOrder, 502},
    Pair{c::kInvalidNumberFormat, 484},
    Pair{c::kFacilityRejected, 501},
    Pair{c::kNormalUnspecified, 480},
    Pair{c::kNormalCircuitCongestion, 503},
    Pair{c::kNetworkOutOfOrder, 503},
    Pair{c::kNormalTemporaryFailure, 503},
    Pair{c::kSwitchCongestion, 503},
    Pair{c::kRequestedChanUnavail, 503},
    Pair{c::kOutgoingCallBarred, 403},
    Pair{c::kIncomingCallBarred, 403},
    Pair{c::kBearerCapabilityNotAuth, 403},
    Pair{c::kBearerCapabilityNotAvail, 503},
    Pair{c::kBearerCapabilityNotImpl, 488},
    Pair{c::kFacilityNotImplemented, 501},
    Pair{c::kServiceNotImplemented, 501},
    Pair{c::kIncompatibleDestination, 488},
    Pair{c::kRecoveryOnTimerExpire, 504},
    Pair{c::kOriginatorCancel, 487},
    Pair{c::kInvalidGateway, 484},
    Pair{c::kGatewayDown, 503},
    Pair{c::kInvalidUrl, 484},
    Pair{c::kInvalidProfile, 502},
    Pair{c::kBusyEverywhere, 600},
    Pair{c::kDecline, 603},
    Pair{c::kRejectAll, 603},
    Pair{c::kDoesNotExistAnywhere, 604},
    Pair{c::kNotAcceptable, 606},
    Pair{c::kUnwanted, 607},
    Pair{c::kNoIdentity, 428},
    Pair{c::kBadIdentityInfo, 429},
    Pair{c::kUnsupportedCertificate, 437},
    Pair{c::kInvalidIdentity, 438},
    Pair{c::kStaleDate, 403},
};

int find(const auto& table, int key, int fallback) {
  for (const auto& entry : table) {
    if (entry.first == key) return entry.second;
  }
  return fallback;
}

}  // namespace

int sip_status_to_cause(int status) {
  return find(kStatusToCause, status, c::kNormalUnspecified);
}

int cause_to_sip_status(int cause) {
  return find(kCauseToStatus, cause, 480);
}

}  // namespace es::sip
