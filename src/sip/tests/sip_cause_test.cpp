#include "sip/sip_cause.hpp"

#include <gtest/gtest.h>

namespace es::sip {
namespace {

TEST(SipCause, StatusesOfTheIssueMapToFreeSwitchCauses) {
  EXPECT_EQ(sip_status_to_cause(486), 17);   // USER_BUSY
  EXPECT_EQ(sip_status_to_cause(404), 1);    // UNALLOCATED_NUMBER
  EXPECT_EQ(sip_status_to_cause(480), 18);   // NO_USER_RESPONSE
  EXPECT_EQ(sip_status_to_cause(487), 487);  // ORIGINATOR_CANCEL
  EXPECT_EQ(sip_status_to_cause(603), 21);   // CALL_REJECTED
  EXPECT_EQ(sip_status_to_cause(488), 88);   // INCOMPATIBLE_DESTINATION
  EXPECT_EQ(sip_status_to_cause(408), 102);  // RECOVERY_ON_TIMER_EXPIRE
  EXPECT_EQ(sip_status_to_cause(503), 41);   // NORMAL_TEMPORARY_FAILURE
  EXPECT_EQ(sip_status_to_cause(600), 17);
  EXPECT_EQ(sip_status_to_cause(200), 16);
}

TEST(SipCause, UnlistedStatusesAreNormalUnspecified) {
  EXPECT_EQ(sip_status_to_cause(499), 31);
  EXPECT_EQ(sip_status_to_cause(0), 31);
  EXPECT_EQ(sip_status_to_cause(-1), 31);
  EXPECT_EQ(sip_status_to_cause(180), 31);
}

TEST(SipCause, CausesBecomeResponseStatuses) {
  EXPECT_EQ(cause_to_sip_status(17), 486);
  EXPECT_EQ(cause_to_sip_status(1), 404);
  EXPECT_EQ(cause_to_sip_status(3), 404);
  EXPECT_EQ(cause_to_sip_status(18), 408);  // not 480: FreeSWITCH's asymmetry
  EXPECT_EQ(cause_to_sip_status(21), 603);
  EXPECT_EQ(cause_to_sip_status(88), 488);
  EXPECT_EQ(cause_to_sip_status(487), 487);
  EXPECT_EQ(cause_to_sip_status(41), 503);
  EXPECT_EQ(cause_to_sip_status(102), 504);
  EXPECT_EQ(cause_to_sip_status(16), 480);  // unlisted, NORMAL_CLEARING included
  EXPECT_EQ(cause_to_sip_status(700), 480);
}

TEST(SipCause, MainFailuresSurviveTheRoundTrip) {
  for (const int status : {404, 486, 487, 488, 603}) {
    EXPECT_EQ(cause_to_sip_status(sip_status_to_cause(status)), status) << status;
  }
}

}  // namespace
}  // namespace es::sip
