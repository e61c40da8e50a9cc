#include "switch/default_dialplan.hpp"

namespace es::sw {

std::string_view default_dialplan_xml() {
  return R"XML(<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="dialplan" description="eventswitch embedded dialplan">
    <context name="default">
      <!-- 9999: answer and park; drive the call with sendmsg / uuid_* commands. -->
      <extension name="park">
        <condition field="destination_number" expression="^9999$">
          <action application="answer"/>
          <action application="park"/>
        </condition>
      </extension>
      <!-- 9998: a one-second 440 Hz tone, then hang up. -->
      <extension name="tone">
        <condition field="destination_number" expression="^9998$">
          <action application="answer"/>
          <action application="playback" data="tone_stream://%(1000,0,440)"/>
          <action application="hangup"/>
        </condition>
      </extension>
      <!-- 9196: echo the caller's audio back. -->
      <extension name="echo">
        <condition field="destination_number" expression="^9196$">
          <action application="answer"/>
          <action application="echo"/>
        </condition>
      </extension>
      <!-- 5000: a small IVR: beep, collect 1-4 digits ending in #, keep them in
           ivr_digits, then park. -->
      <extension name="ivr">
        <condition field="destination_number" expression="^5000$">
          <action application="answer"/>
          <action application="play_and_get_digits"
                  data="1 4 3 5000 # tone_stream://%(200,0,600) silence_stream://250 ivr_digits \d+"/>
          <action application="park"/>
        </condition>
      </extension>
      <!-- 1000-1099: park with the number in a variable. -->
      <extension name="park-range">
        <condition field="destination_number" expression="^(10\d\d)$">
          <action application="set" data="target=$1"/>
          <action application="answer"/>
          <action application="park"/>
        </condition>
      </extension>
    </context>
  </section>
</document>
)XML";
}

std::shared_ptr<const core::XmlConfig> load_default_dialplan(core::GlobalVars& globals) {
  auto result = core::XmlConfig::load_text(default_dialplan_xml(), ".", globals);
  return result.config;
}

bool has_dialplan(const core::XmlConfig& config) {
  return static_cast<bool>(config.section("dialplan").child("context"));
}

}  // namespace es::sw
