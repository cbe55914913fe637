//! Unit tests of the analyzer on sentences written for them (not taken from any evaluation set).

use std::sync::LazyLock;

use super::*;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::builtin);

fn tags(reply: &str, context: &str) -> Vec<Tag> {
    ANALYZER.analyze(reply, context).tags.into_iter().map(|hit| hit.tag).collect()
}

fn evidence(reply: &str, context: &str, tag: Tag) -> Vec<String> {
    let analysis = ANALYZER.analyze(reply, context);
    let hit = analysis.tags.into_iter().find(|hit| hit.tag == tag);
    hit.map(|hit| hit.evidence.into_iter().map(|span| span.text).collect()).unwrap_or_default()
}

#[track_caller]
fn assert_tags(reply: &str, context: &str, expected: &[Tag]) {
    assert_eq!(tags(reply, context), expected, "reply: {reply:?}, context: {context:?}");
}

/// Asserts that each reply, said with no partner line, is tagged `tag`.
fn assert_all_tagged(tag: Tag, replies: &[&str]) {
    for reply in replies {
        assert!(tags(reply, "").contains(&tag), "{tag} missing: {reply:?}");
    }
}

/// Asserts that no reply, said with no partner line, is tagged `tag`.
fn assert_none_tagged(tag: Tag, replies: &[&str]) {
    for reply in replies {
        assert!(!tags(reply, "").contains(&tag), "{tag} found: {reply:?}");
    }
}

/// Asserts that each reply, said in answer to its partner's line, is tagged `tag`.
fn assert_answers_tagged(tag: Tag, answers: &[(&str, &str)]) {
    for (line, reply) in answers {
        assert!(tags(reply, line).contains(&tag), "{tag} missing: {reply:?} to {line:?}");
    }
}

/// Asserts that no reply, said in answer to its partner's line, is tagged `tag`.
fn assert_no_answer_tagged(tag: Tag, answers: &[(&str, &str)]) {
    for (line, reply) in answers {
        assert!(!tags(reply, line).contains(&tag), "{tag} found: {reply:?} to {line:?}");
    }
}

#[test]
fn unicode_is_normalised_before_matching() {
    // Curly apostrophes, full-width letters and a non-breaking space.
    assert_tags("I\u{2019}m sorry I didn\u{2019}t call.", "", &[Tag::Accountability]);
    assert_tags("ｔｈａｔ makes\u{a0}sense", "", &[Tag::Validation]);
    assert_tags("\u{201C}Whatever.\u{201D}", "", &[Tag::Stonewalling]);
}

#[test]
fn case_does_not_matter() {
    assert_tags("YOU NEVER LISTEN", "", &[Tag::Criticism]);
    assert_tags("That Makes Sense.", "", &[Tag::Validation]);
}

#[test]
fn contractions_and_texting_forms_are_understood() {
    assert_tags("u never text me back", "", &[Tag::Criticism]);
    assert_tags("im so sorry i forgot", "", &[Tag::Accountability]);
    assert_tags("tbh i dont care anymore", "", &[Tag::Stonewalling]);
    assert_tags("sorry ur upset i guess", "", &[Tag::NonApology]);
    assert_tags("idk, what do u need from me rn?", "", &[Tag::OpenQuestion]);
    assert_tags("I do not think you are overreacting.", "", &[Tag::Validation]);
}

#[test]
fn negation_has_a_scope() {
    // Negated minimizing is validation; minimizing that carries its own "not" stays minimizing.
    assert_tags("I don't think you're overreacting.", "", &[Tag::Validation]);
    assert_tags("You're overreacting.", "", &[Tag::Minimizing]);
    assert_tags("It's not a big deal.", "", &[Tag::Minimizing]);
    // "not my fault" is an excuse, not ownership.
    assert_tags("It's not my fault the bus was late.", "", &[Tag::Defensiveness]);
    assert_tags("That one's my fault.", "", &[Tag::Accountability]);
    // Negation does not reach across a clause boundary.
    assert_tags("I'm not saying you're wrong, but you should call her.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("I'm not going to see a therapist.", "", &[]);
}

#[test]
fn sarcasm_turns_praise_into_contempt() {
    assert_tags("Oh great, another lecture.", "", &[Tag::Contempt]);
    assert_tags("Thanks SO much for the help.", "", &[Tag::Contempt]);
    assert_tags("Thanks so much for the help.", "", &[Tag::Appreciation]);
    assert_tags("Wow, real mature 🙄", "", &[Tag::Contempt]);
}

#[test]
fn i_feel_like_you_never_is_criticism_not_an_i_statement() {
    assert_tags("I feel like you never make time for me.", "", &[Tag::Criticism]);
    assert_tags("I feel lonely when dinner is silent.", "", &[Tag::IStatement]);
    assert_tags("I need a little quiet when I get home.", "", &[Tag::IStatement]);
}

#[test]
fn accusing_why_is_not_a_curious_question() {
    assert_tags("Why would you even say that?", "", &[Tag::Criticism]);
    assert_tags("Why can't you ever be on time?", "", &[Tag::Criticism]);
    assert_tags("What was the hardest part of today?", "", &[Tag::OpenQuestion]);
    assert_tags("Can you tell me more about the meeting?", "", &[Tag::OpenQuestion]);
    // A counselor seeing a couple asks both of them.
    assert_tags("Tell us a bit about how Sundays usually go.", "", &[Tag::OpenQuestion]);
    assert_tags("Walk us through the last argument.", "", &[Tag::OpenQuestion]);
    assert_tags("Why don't you just quit?", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("What time is the dentist?", "", &[]);
}

#[test]
fn the_kinds_of_sorry_are_told_apart() {
    assert_tags("I'm sorry I snapped at you.", "", &[Tag::Accountability]);
    assert_tags("I'm sorry, but you started it.", "", &[Tag::Defensiveness]);
    assert_tags("I'm sorry you feel that way.", "", &[Tag::NonApology]);
    assert_tags("Sorry if that upset you.", "", &[Tag::NonApology]);
    assert_tags("I'm so sorry, that sounds awful.", "", &[Tag::Validation]);
    assert_tags("I'm sorry that happened to you.", "", &[Tag::Validation]);
    // One apology does not excuse the rest of the reply.
    assert_tags("Sorry, you always do this.", "", &[Tag::Criticism]);
}

#[test]
fn each_sentence_counts() {
    assert_tags(
        "I'm sorry I was late. From now on I'll text you before I leave work.",
        "",
        &[Tag::Accountability, Tag::Commitment],
    );
    assert_tags(
        "That sounds exhausting. You should take tomorrow off.",
        "",
        &[Tag::Validation, Tag::UnsolicitedAdvice],
    );
    let analysis = ANALYZER.analyze("That sounds exhausting. You should take tomorrow off.", "");
    assert_eq!(analysis.style, Style::Fixing);
}

#[test]
fn reflecting_the_partners_own_words_is_reflective_listening() {
    let context = "I spent the whole weekend cleaning out the garage by myself.";
    assert_tags("The whole weekend on the garage, and nobody helped.", context, &[Tag::ReflectiveListening]);
    assert_eq!(
        evidence("The whole weekend on the garage, and nobody helped.", context, Tag::ReflectiveListening),
        ["whole", "weekend", "garage"]
    );
    // The same words with no partner line to echo are no reflection.
    assert_tags("The whole weekend on the garage, and nobody helped.", "", &[]);
    // Nor is the answer to a question, which reuses the question's words.
    assert_tags("Grey paint, the blue curtains clash.", "Blue paint or grey paint with the curtains?", &[]);
    // A statement framed on the partner's side reflects even without shared words.
    assert_tags("So you carried all of it alone.", "", &[Tag::ReflectiveListening]);
    assert_tags("It sounds like you felt invisible.", "", &[Tag::ReflectiveListening]);
    // The other ways counselors open a reflection.
    assert_tags("Sounds as though the move took more out of you than anyone saw.", "", &[Tag::ReflectiveListening]);
    assert_tags("It seems as if your sister gets the final say.", "", &[Tag::ReflectiveListening]);
    assert_tags("What I'm hearing you say is that the mornings are the worst.", "", &[Tag::ReflectiveListening]);
}

#[test]
fn advice_that_was_asked_for_is_not_unsolicited() {
    let reply = "You should talk to HR first.";
    assert_tags(reply, "My manager keeps yelling at me.", &[Tag::UnsolicitedAdvice]);
    assert_tags(reply, "What should I do about my manager?", &[]);
    assert_tags(reply, "Do you think I should go over his head?", &[]);
}

#[test]
fn a_pause_with_a_return_is_self_regulation_and_without_one_stonewalling() {
    assert_tags(
        "I'm getting flooded. Can we take twenty minutes? I'll come back and listen.",
        "",
        &[Tag::SelfRegulation],
    );
    assert_tags("I'm going to bed.", "", &[Tag::Stonewalling]);
}

#[test]
fn the_pitfalls_of_single_words_are_avoided() {
    assert_tags("Whatever you need, I'm here for you.", "", &[Tag::Validation]);
    assert_tags("I'm going to talk about this with you tonight.", "", &[]);
    assert_tags("I hate this traffic.", "", &[]);
    assert_tags("I'm such an idiot sometimes.", "", &[]);
    assert_tags("You're such an idiot.", "", &[Tag::Contempt]);
    assert_tags("Tell me more?", "", &[Tag::OpenQuestion]);
    assert_tags("I'd like at least one evening a week to myself.", "", &[Tag::IStatement]);
}

#[test]
fn the_other_principles_are_recognised() {
    assert_tags("Thank you for getting the kids to bed.", "", &[Tag::Appreciation]);
    assert_tags("Could we keep Sunday mornings for a walk together, every week?", "", &[Tag::ConnectionRitual]);
    assert_tags("Would you be open to seeing a couples counselor with me?", "", &[Tag::SeekSupport]);
    assert_tags("We see holidays differently, and that's okay.", "", &[Tag::RespectDifferences]);
    assert_tags("You always twist my words.", "", &[Tag::Criticism]);
    assert_tags("I'm done talking.", "", &[Tag::Stonewalling]);
    assert_tags("Calm down, it's just a game.", "", &[Tag::Minimizing]);
    assert_tags("I said I was sorry, what more do you want?", "", &[Tag::NonApology]);
    assert_tags("What about when you forgot my birthday?", "", &[Tag::Defensiveness]);
}

#[test]
fn common_idioms_of_the_breakdowns_are_recognised() {
    assert_tags("Want a medal for emptying the dishwasher?", "", &[Tag::Contempt]);
    assert_tags("Oh, so you're suddenly an expert on my mother?", "", &[Tag::Contempt]);
    assert_tags("Not having this again.", "", &[Tag::Stonewalling]);
    assert_tags("Yeah, yeah, I heard you.", "", &[Tag::Minimizing]);
    assert_tags("You really should talk to her about it.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("Just leave the keys by the door for me.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("Can we just drop it?", "", &[Tag::Stonewalling]);
    assert_tags("Give me five minutes to breathe, and then I'm all yours.", "", &[Tag::SelfRegulation]);
}

/// Each principle in words people use when they are not reaching for the stock phrase.
#[test]
fn everyday_phrasings_of_the_principles_are_recognised() {
    // A pause: the state named, a way out of the room, a time to come back.
    assert_tags(
        "I'm too worked up to talk about this well. Can we sort it after the kids are asleep?",
        "",
        &[Tag::SelfRegulation],
    );
    assert_tags("I need a bit of time to clear my head. Back in half an hour.", "", &[Tag::SelfRegulation]);
    assert_tags("Let's break for ten minutes and then try again.", "", &[Tag::SelfRegulation]);
    assert_tags("I'm wound up. Ten minutes and we'll talk properly.", "", &[Tag::SelfRegulation]);
    // Differences that need no winner.
    assert_tags("We're just built differently about holidays.", "", &[Tag::RespectDifferences]);
    assert_tags("We plan trips differently, but that's okay.", "", &[Tag::RespectDifferences]);
    assert_tags("I want to honour how your family does Christmas.", "", &[Tag::RespectDifferences]);
    assert_tags("We don't have to see eye to eye on the wedding list.", "", &[Tag::RespectDifferences]);
    // Counter-attacks and the innocent-victim stance.
    assert_tags("Well, what about all the takeaways you ordered?", "", &[Tag::Defensiveness]);
    assert_tags("Why is it always me who gets the blame?", "", &[Tag::Defensiveness]);
    assert_tags("Fine, so I'm the bad guy again.", "", &[Tag::Defensiveness]);
    // Character attacks with other verbs than "you're".
    assert_tags("You get so stubborn whenever my sister visits.", "", &[Tag::Criticism]);
    assert_tags("How can you be this careless with the car?", "", &[Tag::Criticism]);
    // Mockery.
    assert_tags("Talking to you is like talking to a brick wall.", "", &[Tag::Contempt]);
    assert_tags("Some of us have to get up early, you know.", "", &[Tag::Contempt]);
    assert_tags("Redecorate the whole flat? Good luck with that.", "", &[Tag::Contempt]);
    assert_tags("As you wish, your highness.", "", &[Tag::Contempt]);
    // Shutting down and brushing off.
    assert_tags("I'm done with this discussion.", "", &[Tag::Stonewalling]);
    assert_tags("Not now, not ever.", "", &[Tag::Stonewalling]);
    // An order to look away from the feeling fixes as well as it minimises.
    assert_tags("Just focus on the positives.", "", &[Tag::Minimizing, Tag::UnsolicitedAdvice]);
    assert_tags("Whoa, tone it down. It'll work itself out.", "", &[Tag::Minimizing]);
    // Fixing, and half-apologies.
    assert_tags("Ugh, just call a plumber.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("Next time, ask for the receipt.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("Next time I'll ring before I leave the office, every time.", "", &[Tag::Commitment]);
    assert_tags("Everybody's kids go through that.", "", &[Tag::Minimizing]);
    assert_tags("tbh u should ask for a raise", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("I apologise if that came across wrong.", "", &[Tag::NonApology]);
    assert_tags("Okay, sorry, happy?", "", &[Tag::NonApology]);
    // Speaking from one's own side.
    assert_tags("I do feel tense when the bills pile up.", "", &[Tag::IStatement]);
    assert_tags("I've been so anxious about the move.", "", &[Tag::IStatement]);
    // A promise with a day on it, and a recurring "together".
    assert_tags("I'm booking the vet for Friday.", "", &[Tag::Commitment]);
    assert_tags("What if we always eat breakfast together on weekdays?", "", &[Tag::ConnectionRitual]);
    assert_tags("Could we have a little Sunday ritual, just coffee and the crossword?", "", &[Tag::ConnectionRitual]);
    // Owning it, praising it, asking it in a text without its question mark.
    assert_tags("That wasn't fair of me.", "", &[Tag::Accountability]);
    assert_tags("Honestly, I owe you an apology for Saturday.", "", &[Tag::Accountability]);
    assert_tags("Well done on the marathon!", "", &[Tag::Appreciation]);
    assert_tags("how was the interview", "", &[Tag::OpenQuestion]);
    assert_tags("If I've understood you right, the worst part was the waiting.", "", &[Tag::ReflectiveListening]);
    assert_tags("It isn't petty to mind that.", "", &[Tag::Validation]);
    assert_tags("I'm fried. Can I have a bit of time? I do want to hear you out.", "", &[Tag::SelfRegulation]);
    // Feelings told through the body, and needs softened with "just".
    assert_tags("My chest tightens every time the phone buzzes.", "", &[Tag::IStatement]);
    assert_tags("I'd really like a say before the dog gets booked in.", "", &[Tag::IStatement]);
    // Promises with a day, a condition, or a "won't".
    assert_tags("I'll email the landlord whenever something breaks.", "", &[Tag::Commitment]);
    assert_tags("I won't mention the scan to anyone until you say so.", "", &[Tag::Commitment]);
    assert_tags("Tomorrow morning I'll ring the bank myself.", "", &[Tag::Commitment]);
    // Mockery, and blame dressed as a feeling.
    assert_tags("Stop the press, he emptied the bin.", "", &[Tag::Contempt]);
    assert_tags("Eat with a fork like a normal person.", "", &[Tag::Contempt]);
    assert_tags("Well, that's just perfect.", "", &[Tag::Contempt]);
    assert_tags("I feel like you only hear what suits you.", "", &[Tag::Criticism]);
    assert_tags("You treat every plan like a negotiation.", "", &[Tag::Criticism]);
    // Excuses, counters, and brushing it off as a joke.
    assert_tags("I was only tidying the drawer, I wasn't snooping.", "", &[Tag::Defensiveness]);
    assert_tags("Don't pin this on me.", "", &[Tag::Defensiveness]);
    assert_tags("It was just banter, mate.", "", &[Tag::Minimizing]);
    assert_tags("Plenty of people have it much worse.", "", &[Tag::Minimizing]);
    // Apologies that are not.
    assert_tags("Sorry my music bothers you so much.", "", &[Tag::NonApology]);
    assert_tags("soz if that was a bit much", "", &[Tag::NonApology]);
    // Support without the stock phrases.
    assert_tags("That would've floored me.", "", &[Tag::Validation]);
    assert_tags("Feeling both at once is so normal for new parents.", "", &[Tag::Validation]);
    assert_tags("I'm really glad you told me.", "", &[Tag::Validation]);
    assert_tags("Hey. I'm not going anywhere.", "", &[Tag::Validation]);
    // Differences left standing.
    assert_tags("Your pace with this doesn't have to match mine.", "", &[Tag::RespectDifferences]);
    assert_tags("I prefer plans, you prefer surprises, and neither's wrong.", "", &[Tag::RespectDifferences]);
    // A pause asked for until a moment, or in a few texted words.
    assert_tags("I need until the weekend's over, then I'll come back to this properly.", "", &[Tag::SelfRegulation]);
    assert_tags("10 mins outside then we talk", "", &[Tag::SelfRegulation]);
    assert_tags("Would you ring the mental health line with me?", "", &[Tag::SeekSupport]);
    // Insults before the "you", blame handed down, and overreaction with a strong adverb.
    assert_tags("Such a snowflake, honestly.", "", &[Tag::Contempt]);
    assert_tags("Stop treating me like a child.", "", &[Tag::Contempt]);
    assert_tags("She gets that stubborn streak from you.", "", &[Tag::Criticism]);
    assert_tags("You're being completely paranoid.", "", &[Tag::Minimizing]);
    // A day and a time of it, or a day taken off, make a promise.
    assert_tags("Saturday after lunch, I'll fix the gate.", "", &[Tag::Commitment]);
    assert_tags("I'll take the day off for the scan.", "", &[Tag::Commitment]);
}

/// The new phrasings above stay out of the sentences they resemble.
#[test]
fn lookalikes_of_those_phrasings_are_left_alone() {
    assert_tags("I didn't grow up with pets.", "", &[]);
    assert_tags("I'm not ever buying that brand again.", "", &[]);
    assert_tags("His mum's proud of you, you know.", "", &[]);
    assert!(!tags("You might be lucky with the weather.", "").contains(&Tag::Accountability));
    assert_tags("I feel like you deserve a proper break.", "", &[]);
    assert_tags("You should see the state of the car park, it's heaving.", "", &[]);
    assert_tags("You should see a doctor about that cough.", "", &[Tag::UnsolicitedAdvice]);
    assert_tags("There was a parcel I didn't know about on the step.", "", &[]);
    assert_tags(
        "You're carrying all of it, and that's not fair on you.",
        "",
        &[Tag::ReflectiveListening, Tag::Validation],
    );
    assert_tags("And what about your trip, how was it?", "", &[Tag::OpenQuestion]);
    // A promise, but no pause: nothing was named that needs one.
    assert_tags("I'll call you back in ten, I'm at the till.", "", &[Tag::Commitment]);
}

#[test]
fn style_and_score_follow_the_tags() {
    let analysis = ANALYZER.analyze("That makes sense. What would help most right now?", "");
    assert_eq!(analysis.style, Style::ActiveListening);
    assert_eq!(analysis.score, 4);
    let analysis = ANALYZER.analyze("You never listen. Whatever.", "");
    assert_eq!(analysis.style, Style::Defensive);
    assert_eq!(analysis.score, -6);
    let neutral = ANALYZER.analyze("The plumber comes at ten.", "");
    assert_eq!((neutral.style, neutral.score, neutral.tags.len()), (Style::Neutral, 0, 0));
    assert_eq!(neutral.feedback.len(), 1);
}

#[test]
fn feedback_quotes_the_reply_and_tips_on_breakdowns() {
    let analysis = ANALYZER.analyze("You always do this.", "");
    assert_eq!(analysis.feedback.len(), 1);
    assert!(analysis.feedback[0].starts_with("Criticism: \"You always\""), "{}", analysis.feedback[0]);
    assert!(analysis.feedback[0].contains("Try:"));
    let analysis = ANALYZER.analyze("That makes sense.", "");
    assert!(analysis.feedback[0].starts_with("Validation: \"That makes sense\""), "{}", analysis.feedback[0]);
    assert!(!analysis.feedback[0].contains("Try:"));
}

#[test]
fn evidence_spans_index_the_original_text() {
    let reply = "Ｏｈ — I\u{2019}m sorry I didn\u{2019}t call 🙏. That\u{2019}s on me.";
    let analysis = ANALYZER.analyze(reply, "");
    let hit = analysis.tags.iter().find(|hit| hit.tag == Tag::Accountability).expect("accountability");
    for span in &hit.evidence {
        assert_eq!(&reply[span.start..span.end], span.text);
    }
    let texts: Vec<&str> = hit.evidence.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["I\u{2019}m sorry I didn\u{2019}t call", "That\u{2019}s on me"]);
}

#[test]
fn quotes_leave_out_the_separators_a_pattern_needed() {
    // The patterns match the comma to tell where a phrase starts; the quote starts at the phrase.
    assert_eq!(evidence("Seriously, grow up.", "", Tag::Contempt), ["grow up"]);
    assert_eq!(evidence("Okay, how did the talk go?", "", Tag::OpenQuestion), ["how did the talk go?"]);
}

#[test]
fn texting_forms_are_quoted_as_typed() {
    assert_eq!(evidence("u always do this", "", Tag::Criticism), ["u always"]);
}

#[test]
fn empty_and_odd_input_yields_no_tags() {
    for reply in ["", "   ", "?!", "🙂🙂🙂", "\u{0}", "a\u{301}\u{301}\u{301}"] {
        let analysis = ANALYZER.analyze(reply, reply);
        assert!(analysis.tags.is_empty(), "{reply:?}: {:?}", analysis.tags);
        assert_eq!(analysis.style, Style::Neutral);
    }
}

#[test]
fn a_custom_rubric_changes_the_scoring() {
    let yaml = BUILTIN_RUBRIC.replacen("  validation:\n    weight: 2\n", "  validation:\n    weight: 5\n", 1);
    let analyzer = Analyzer::from_rubric(Rubric::from_yaml("custom.yaml", &yaml).unwrap());
    assert_eq!(analyzer.analyze("That makes sense.", "").score, 5);
}

#[test]
fn what_looks_like_a_reflection_but_hands_back_something_else_is_not_one() {
    // A bare "You ...?" asks for confirmation or disbelief; "So you ...?" still reflects.
    let context = "I repainted the whole hallway on Saturday.";
    assert_tags("You painted it by yourself?", context, &[]);
    assert_tags("So you did the whole hallway in one day?", context, &[Tag::ReflectiveListening]);
    // Negating the partner's own word contradicts them...
    for (reply, context) in [
        ("You're not a failure.", "I feel like a failure at this job."),
        ("You haven't been lazy at all.", "I've been so lazy with the garden."),
    ] {
        assert!(!tags(reply, context).contains(&Tag::ReflectiveListening), "{reply:?}");
    }
    // ...unless they said it negated too, or the negation is about something else.
    assert_tags("You're not ready to tell him yet.", "I'm not ready to tell him.", &[Tag::ReflectiveListening]);
    assert_tags(
        "So you're not sleeping and the job still feels like a failure.",
        "I feel like a failure at this job.",
        &[Tag::ReflectiveListening],
    );
}

#[test]
fn praise_and_absolutes_about_what_is_theirs_are_read() {
    assert_tags("You were so patient with the twins today.", "", &[Tag::Appreciation]);
    assert_tags("You absolute legend.", "", &[Tag::Appreciation]);
    assert_tags("Honestly, you're a star.", "", &[Tag::Appreciation]);
    // A hedge and a description are not praise.
    assert_tags("So you're kind of torn about the offer.", "", &[Tag::ReflectiveListening]);
    assert!(!tags("You're a star striker on that team.", "").contains(&Tag::Appreciation));
    // "Always" about their things puts them on trial, unless it welcomes them.
    assert_tags("Your car is always low on petrol.", "", &[Tag::Criticism]);
    assert!(!tags("Your friends are always welcome here.", "").contains(&Tag::Criticism));
}

#[test]
fn a_change_of_habit_is_a_commitment_and_giving_up_is_not() {
    assert_tags("I'll stop leaving my shoes in the hall.", "", &[Tag::Commitment]);
    assert_tags("I'll work on my temper.", "", &[Tag::Commitment]);
    assert_tags("I'll set an alarm so I leave work on time.", "", &[Tag::Commitment]);
    assert!(!tags("Fine, I'll stop bothering you.", "").contains(&Tag::Commitment));
}

#[test]
fn owning_what_was_done_is_accountability_and_errands_are_no_needs() {
    assert_tags("I broke our trust and I know it.", "", &[Tag::Accountability]);
    assert_tags("I lied about where I was on Friday.", "", &[Tag::Accountability]);
    assert_tags("I hid the bank letters from you.", "", &[Tag::Accountability]);
    assert_tags("That was my call, and it was the wrong one.", "", &[Tag::Accountability]);
    assert_tags("I never lied to you.", "", &[]);
    assert_tags("I hid the presents in the loft.", "", &[]);
    // A timetable is not an I-statement; a need is.
    assert_tags("I need to be home by six.", "", &[]);
    assert_tags("I need you to tell me before you book things.", "", &[Tag::IStatement]);
    // A break with no way back shuts the talk down; with one, it is a pause.
    assert!(tags("I need a break from this.", "").contains(&Tag::Stonewalling));
    assert_tags("I need a break from this. Can we talk again after dinner?", "", &[Tag::SelfRegulation]);
}

#[test]
fn proposals_and_guesses_are_not_questions_or_advice() {
    // "How about a ...?" proposes; "How about you?" still asks.
    assert!(!tags("How about a walk together after dinner every night?", "").contains(&Tag::OpenQuestion));
    assert!(tags("How about you?", "").contains(&Tag::OpenQuestion));
    // "You must've..." guesses at what the partner went through.
    assert!(!tags("You must've been up half the night with him.", "").contains(&Tag::UnsolicitedAdvice));
    assert!(tags("You must call your sister tonight.", "").contains(&Tag::UnsolicitedAdvice));
}

#[test]
fn a_defence_or_an_explanation_after_owning_it_is_not_a_shutdown_or_a_brush_off() {
    assert!(!tags("Being quiet doesn't mean I don't care.", "").contains(&Tag::Stonewalling));
    assert!(tags("I don't care.", "").contains(&Tag::Stonewalling));
    assert!(!tags("It's not an excuse, it's just the way my head went that night.", "").contains(&Tag::Minimizing));
    assert!(tags("It's just a scratch on the car.", "").contains(&Tag::Minimizing));
}

#[test]
fn denying_an_insult_or_a_charge_is_no_attack() {
    assert_none_tagged(
        Tag::Contempt,
        &["I don't think you're stupid.", "You aren't an idiot for trusting him.", "Nobody thinks you're a joke."],
    );
    assert!(tags("You're an idiot.", "").contains(&Tag::Contempt));
    assert!(tags("I don't think you're stupid, you're just a joke.", "").contains(&Tag::Contempt));
    // The same for a charge against their character.
    assert!(!tags("I don't think you're lazy.", "").contains(&Tag::Criticism));
    assert!(tags("I don't think you're lazy, but you never help.", "").contains(&Tag::Criticism));
}

#[test]
fn always_and_never_in_praise_or_reassurance_are_no_criticism() {
    assert_none_tagged(
        Tag::Criticism,
        &[
            "You never have to apologise for crying.",
            "You always know what to say.",
            "You're never a burden to me.",
            "You never complain, and I notice that.",
            "How could you have known? Nobody told you.",
        ],
    );
    assert_tags("You're always so thoughtful with gifts.", "", &[Tag::Appreciation]);
    assert_tags("You're always there for the kids.", "", &[Tag::Appreciation]);
    // The absolutes that put them on trial still do.
    assert!(tags("You always forget the bins.", "").contains(&Tag::Criticism));
    assert!(tags("You're never on time.", "").contains(&Tag::Criticism));
}

#[test]
fn sarcasm_counter_attacks_and_shutdowns_without_the_usual_words_are_read() {
    // Contempt: mock horror, sarcastic thanks and apologies, put-downs dressed as questions.
    assert_all_tagged(
        Tag::Contempt,
        &[
            "Oh the horror, a spoon in the wrong drawer.",
            "Thanks for the vote of confidence.",
            "Sorry I want a life outside this flat.",
            "Sorry I'm not as organised as you.",
            "What are you, my boss?",
            "Imagine getting this worked up over a parking space.",
        ],
    );
    // Criticism: rhetorical and conditional blame.
    assert_all_tagged(
        Tag::Criticism,
        &[
            "Why on earth would you tell her that?",
            "Do you ever think about anyone else?",
            "Maybe if you actually planned ahead we'd be fine.",
            "Your dad always has to have the last word.",
        ],
    );
    // Defensiveness: a grown-up's freedom, the thanked-for-nothing victim, turning the tables.
    assert_all_tagged(
        Tag::Defensiveness,
        &[
            "I'm a grown woman, I can stay out if I like.",
            "Twenty years of cooking and this is the thanks I get.",
            "Says the one who was on her laptop all of Christmas.",
            "Oh please, it was one glass.",
        ],
    );
    // Minimizing: excusing the one who hurt them, hurrying grief, "still on about that?".
    assert_all_tagged(
        Tag::Minimizing,
        &[
            "He doesn't mean anything by it.",
            "You need to start moving on.",
            "Are you really still upset about that?",
            "Lol welcome to parenthood.",
        ],
    );
    // Stonewalling: no way back.
    assert_all_tagged(
        Tag::Stonewalling,
        &["Can't be bothered with this now.", "Out with the lads. Don't wait up.", "Not listening."],
    );
    assert!(!tags("Twenty years of cooking and this is the thanks I get.", "").contains(&Tag::Appreciation));
    // Describing how families differ is no charge against theirs.
    assert!(!tags("Your family always ate in front of the TV and mine never did.", "").contains(&Tag::Criticism));
}

#[test]
fn differences_let_stand_steps_already_taken_and_pauses_in_plain_words_are_read() {
    assert_all_tagged(
        Tag::RespectDifferences,
        &[
            "I mourn differently from you, and that's all it is.",
            "You're a planner and I'm not.",
            "In my family we hug hello, in yours you shake hands.",
            "We can do presents my way and your way.",
            "Going to church every week is part of who you are.",
            "You know what works for you better than I do.",
        ],
    );
    assert_all_tagged(
        Tag::Commitment,
        &[
            "I've booked the boiler service for Monday.",
            "I'm telling my brother this weekend.",
            "I'll join the Tuesday parents' group next week.",
            "I won't leave the car on empty again.",
            "From tomorrow the bins are mine.",
        ],
    );
    assert_tags("I'm too cross to be nice right now. Back in ten minutes.", "", &[Tag::SelfRegulation]);
    assert_tags("I need a quick walk. Then I'll come back and we'll talk.", "", &[Tag::SelfRegulation]);
    // Lookalikes: a two-way street, plans with no time, a walk with no return.
    assert!(!tags("It cuts both ways, people forget that.", "").contains(&Tag::RespectDifferences));
    assert!(!tags("I've booked it.", "").contains(&Tag::Commitment));
    assert!(!tags("I need a walk.", "").contains(&Tag::SelfRegulation));
}

#[test]
fn sympathy_ownership_and_sarcastic_apologies_in_everyday_words() {
    // Validation.
    assert_all_tagged(
        Tag::Validation,
        &[
            "That must've stung in front of your boss.",
            "That would get to anybody.",
            "I know how much that garden means to you.",
            "Not daft at all.",
            "I'd be fuming too.",
        ],
    );
    // Accountability.
    assert_all_tagged(
        Tag::Accountability,
        &[
            "I've pulled away since the move, I know.",
            "I keep cancelling on you, which isn't fair on you.",
            "That's my baggage to work on, not yours.",
        ],
    );
    // Non-apologies.
    assert_all_tagged(
        Tag::NonApology,
        &["Well, sorry for trying.", "I'm sorry your feelings got hurt.", "Sorry I'm not as tidy as you."],
    );
    // Exclamations are neither advice nor a counter-attack; advice asked for is not unsolicited.
    assert_tags("You should've seen her face when she opened it!", "", &[]);
    assert_tags("You should see the view from the top.", "", &[]);
    assert_tags("I think you should take it.", "They offered me the job. What do you reckon?", &[]);
}

#[test]
fn more_openers_compliments_and_agreements() {
    assert_tags("What I'm getting is that the move happened to you, not with you.", "", &[Tag::ReflectiveListening]);
    assert_tags("I can hear how much the waiting is wearing you down.", "", &[Tag::ReflectiveListening]);
    assert_tags("You look gorgeous in that.", "", &[Tag::Appreciation]);
    assert_tags("You actually nailed it this time.", "", &[Tag::Appreciation]);
    assert_tags("Could we walk the dog together every weekday morning?", "", &[Tag::ConnectionRitual]);
    // Agreeing is no I-statement; "even if it's only" makes room rather than shrinking.
    assert_tags("I'd like that.", "Shall we try the new place on Friday?", &[]);
    assert!(!tags("Every Sunday, even if it's only an hour.", "").contains(&Tag::Minimizing));
    assert!(tags("It's literally a photo.", "").contains(&Tag::Minimizing));
}

#[test]
fn a_habit_charged_in_general_is_criticism() {
    assert!(tags("You're glued to that game every single night.", "").contains(&Tag::Criticism));
    assert!(tags("Honestly you moan about your job all the time.", "").contains(&Tag::Criticism));
    // A habit admired is not.
    assert!(!tags("I love that you call your gran every Sunday.", "").contains(&Tag::Criticism));
}

#[test]
fn a_curt_word_shuts_the_subject_only_in_answer_to_hurt_a_complaint_or_a_wish_to_talk() {
    assert_tags("k.", "I'm really upset about what you said.", &[Tag::Stonewalling]);
    assert_tags("ok", "You didn't even say goodbye this morning.", &[Tag::Stonewalling]);
    assert_tags("Nothing.", "Is something bothering you?", &[Tag::Stonewalling]);
    assert_tags("I'm fine.", "What's wrong? You've been quiet all night.", &[Tag::Stonewalling]);
    assert_tags("Nope.", "Can we talk about the money thing?", &[Tag::Stonewalling]);
    // The same words about a plan or a fact only answer it.
    assert_tags("ok", "Dinner's at seven.", &[]);
    assert_tags("Nope.", "Did you lock the car?", &[]);
    assert_tags("No.", "Want tea?", &[]);
    // Said first in a longer reply, they open it ("Okay. What happened then?").
    assert_tags("Okay. What happened after that?", "I'm really upset about today.", &[Tag::OpenQuestion]);
}

#[test]
fn sorry_to_the_partners_own_news_is_sympathy_and_to_what_you_did_an_apology() {
    assert_tags("Oh love, I'm so sorry.", "I didn't get the job.", &[Tag::Validation]);
    assert_tags("Thirteen years together. I'm so sorry.", "We lost the cat this morning.", &[Tag::Validation]);
    assert_tags("I'm so sorry.", "You forgot my birthday.", &[Tag::Accountability]);
    assert_tags("I'm so sorry.", "I feel invisible when your friends are round.", &[Tag::Accountability]);
    // With no partner's line, or one that names no one, it stays an apology.
    assert_tags("I'm so sorry.", "", &[Tag::Accountability]);
    assert_tags("That was me, I left it open. I'm sorry.", "The gate was open all night.", &[Tag::Accountability]);
}

#[test]
fn counter_complaints_blame_passed_back_and_the_victim_who_cannot_win_are_defensive() {
    assert_all_tagged(
        Tag::Defensiveness,
        &[
            "Rich, coming from you.",
            "Funny, coming from someone who hasn't hoovered since March.",
            "You leave lights on in every room, nobody says anything about that.",
            "I've been working twelve-hour days, when exactly was I supposed to do it?",
            "I only said it because you pushed me.",
            "You made me lose my temper.",
            "I thought you'd be pleased. Clearly I can't do anything right.",
            "Because you'd react exactly like this.",
            "It's my money too.",
            "I listen all the time. I'm listening right now.",
            "Yeah well, you were no better.",
            "And your sister stayed a month last year, so.",
            "Am I not allowed to see my friends now?",
            "I'm not doing it on purpose.",
            "To be fair, you weren't exactly polite either.",
            "You think I don't do anything around here?",
        ],
    );
    // Owning it, or agreeing, is no defence.
    assert_none_tagged(
        Tag::Defensiveness,
        &["I did notice the garden, and I should have said so.", "That means a lot coming from you."],
    );
}

#[test]
fn platitudes_old_news_and_promises_it_will_be_nothing_minimise() {
    assert_all_tagged(
        Tag::Minimizing,
        &[
            "Everyone moves house, it's hardly a tragedy.",
            "There'll be other jobs, don't dwell on it.",
            "You worry about everything, it'll be nothing.",
            "He's in a better place now. Everything happens for a reason.",
            "That was years ago. Let it go.",
            "Never mind, you can always get another one.",
            "Everyone snaps at their kids sometimes.",
            "It's a parking ticket, relax.",
            "Nobody forced you to take the job.",
            "You'd have hated it anyway.",
            "It was a five-minute chat. Nobody noticed.",
            "You say that every year.",
        ],
    );
    assert_none_tagged(Tag::Minimizing, &["I need ten minutes to calm down, then I want to hear the rest."]);
}

#[test]
fn pauses_with_a_way_back_ownership_and_promises_in_plain_words() {
    assert_all_tagged(
        Tag::SelfRegulation,
        &[
            "Give me twenty minutes to cool off and I'll come and find you.",
            "I'm getting flooded. Can I walk round the block and come back in ten?",
            "I'm overwhelmed. I'm going to sit outside for a bit and I'll be back by eight so we can finish this.",
            "Can we pick this back up tomorrow morning when I'm calmer?",
        ],
    );
    assert_all_tagged(Tag::Accountability, &["I did, and there's no excuse.", "You deserved better from me."]);
    assert_all_tagged(
        Tag::Commitment,
        &[
            "It won't happen again.",
            "Booking it now.",
            "Starting tonight, mine goes in the drawer at dinner.",
            "I'll ring her back once the kids are asleep.",
        ],
    );
    assert_all_tagged(Tag::Appreciation, &["You went to so much trouble."]);
    assert_none_tagged(Tag::RespectDifferences, &["I'll put every date that matters to you in my calendar tonight."]);
}

#[test]
fn disagreeing_without_needing_to_win_unnamed_help_and_shutdowns_without_a_subject() {
    assert_all_tagged(
        Tag::RespectDifferences,
        &[
            "We can disagree on this and still be fine.",
            "I see it differently, but I don't need to win this.",
            "We come at holidays from really different places.",
            "It does matter to you, and I want to make room for it.",
        ],
    );
    assert_none_tagged(Tag::Appreciation, &["I see it differently."]);
    assert_all_tagged(
        Tag::SeekSupport,
        &["Would you be open to seeing someone about it?", "There are counsellors who work with couples."],
    );
    assert_none_tagged(Tag::SeekSupport, &["I'll book the specialist for your knee."]);
    assert_all_tagged(
        Tag::Stonewalling,
        &["Don't want to talk about it.", "Nothing to say.", "I'm too tired for this. Goodnight."],
    );
    assert_tags("k", "I feel like you've stopped trying.", &[Tag::Stonewalling]);
    assert_all_tagged(Tag::Validation, &["You're not failing.", "That's such a horrible feeling."]);
}

#[test]
fn answers_counters_and_reassurance_about_the_partner_are_no_reflections() {
    // An answer to a one-line question is about the partner without handing anything back.
    assert_tags("Your brother said he'd bring it round.", "Who's got the drill?", &[]);
    // In a reply that defends or attacks, a statement about the partner is a counter.
    assert_tags(
        "Typical. You burn everything you cook.",
        "I burned the dinner, I'm so annoyed with myself.",
        &[Tag::Criticism],
    );
    assert!(
        !tags("That's not true. You've invented that.", "You said we'd go to Wales.")
            .contains(&Tag::ReflectiveListening)
    );
    // Reassurance and disbelief are said about the partner, not for them.
    assert_none_tagged(
        Tag::ReflectiveListening,
        &["You don't have to carry this on your own.", "You're joking.", "Which night were you thinking of?"],
    );
    // Exclaimed at the partner, a statement about them charges them; it hands nothing back.
    assert_tags("You left the gate open again!", "The dog got out this morning.", &[]);
    // A statement about a line that closes with "..., you know?" still reflects.
    assert_tags(
        "So you feel stuck between the two of them.",
        "I'm stuck in the middle, you know?",
        &[Tag::ReflectiveListening],
    );
}

#[test]
fn breakdowns_without_their_usual_words() {
    assert_all_tagged(
        Tag::Defensiveness,
        &[
            "Yes, but I'm the one who does the school run.",
            "It wasn't me, ask your brother.",
            "You try it with three kids in the car.",
            "How is that on me?",
            "Oh, so now suddenly it's a crime to have a beer?",
            "Nobody told me the shop shut early.",
            "I've done nothing but cook and clean all week.",
            "Someone has to pay the bills.",
            "I'd have rung them if you'd left me the number.",
            "If you put things back I wouldn't have to shout.",
            "Am I supposed to read your mind?",
        ],
    );
    assert_all_tagged(
        Tag::Criticism,
        &[
            "That's so you.",
            "You're just like your mother.",
            "That's the trouble with you.",
            "You complain about everything.",
            "You've got no backbone.",
            "It's exhausting living with you.",
        ],
    );
    assert_all_tagged(
        Tag::Contempt,
        &[
            "Do you want a round of applause?",
            "Diddums.",
            "Cue the violins.",
            "Sure, go ahead and run it, champ.",
            "Yes, Mum.",
            "Look at you, all organised.",
            "Fine, I'll use small words.",
        ],
    );
    assert_all_tagged(
        Tag::Minimizing,
        &[
            "We all have days like that.",
            "You'll be grand.",
            "Scans like that usually turn out to be nothing.",
            "Don't be daft.",
        ],
    );
    assert_tags("Busy.", "Can we talk tonight?", &[Tag::Stonewalling]);
    assert_tags("Busy.", "What are you up to?", &[]);
    assert_all_tagged(
        Tag::Stonewalling,
        &["Not talking about it.", "You know what you did.", "Can't be bothered getting into it."],
    );
    // Owning it first and then adding a fact, or saying yes to a plan, is no defence.
    assert_none_tagged(Tag::Defensiveness, &["Yes, that sounds good.", "I know. I should have told you."]);
}

/// Scorn said in plain words, excuses and counters without "it's not my fault", and feelings
/// explained away: the everyday forms that replies written apart from the rules used most.
#[test]
fn everyday_scorn_excuses_and_explaining_away() {
    assert_all_tagged(
        Tag::Contempt,
        &[
            "Oh, how riveting.",
            "Thrilling.",
            "Shocking. Who could have predicted that.",
            "Colour me amazed.",
            "Cool story.",
            "Ha, nice try.",
            "Let me explain it slowly for you.",
            "Try to keep up, would you?",
            "Were you raised in a barn?",
            "Is it man flu this time?",
            "Calm down, snowflake.",
            "Sure, genius.",
            "Look at you, Miss Budget Planner.",
            "Ok Mr Perfect, you do it then.",
            "Do you now.",
            "Did you get that off a podcast?",
            "A whole ten minutes early.",
            "However do you manage?",
            "God forbid you lift a finger on a Sunday.",
            "Nice effort, though.",
            "As you wish, your Excellency.",
        ],
    );
    assert_all_tagged(
        Tag::Defensiveness,
        &[
            "I would have, but the shop was shut.",
            "I'd have been there if the bus had turned up.",
            "I'm one person, you know.",
            "I've only got two hands.",
            "I only shout because you interrupt.",
            "I only mentioned it because I care.",
            "I'm always the one getting up at six.",
            "The signal was gone, I can't help that.",
            "That one doesn't count, it was a birthday.",
            "I've told you twice already.",
            "Why were you going through my texts?",
            "Why do you need to know?",
            "So basically it's all my fault.",
            "In other words, I'm a useless husband.",
            "I've worked all week, I've earned it.",
            "How much more support do you want?",
            "And who do you think pays the mortgage?",
            "That's because you like being in charge.",
            "You're tired because you stay up scrolling.",
            "But you told me it was only a check-up.",
            "You know I can't take calls at work.",
            "You don't text me at lunch either.",
            "Neither do you.",
            "You weren't exactly a ray of sunshine either.",
            "Says the man with three unopened gym bags.",
        ],
    );
    assert_all_tagged(
        Tag::Minimizing,
        &["Still?", "That's just how he is.", "You're just hungry.", "You're reading too much into it."],
    );
    assert_all_tagged(Tag::Stonewalling, &["I'm not going over it again."]);
    assert_all_tagged(Tag::NonApology, &["So sorry, your highness."]);
    // Look-alikes that are no scorn, excuse or dismissal.
    assert_none_tagged(Tag::Contempt, &["How lovely!", "You're a genius, thank you.", "We had a whole day together."]);
    assert_none_tagged(
        Tag::Defensiveness,
        &[
            "I would love that.",
            "I'm the one who messed up.",
            "I'm the one picking up the kids today.",
            "You don't have to come either.",
        ],
    );
    assert_none_tagged(Tag::Minimizing, &["Is it still raining?", "That's just what I needed."]);
    // A judgement of what the partner would do is not their experience handed back.
    assert_none_tagged(Tag::ReflectiveListening, &["You'd have done the same."]);
}

/// The constructive moves said the way people say them, not as the textbook does, and criticism
/// and advice without their marker words.
#[test]
fn everyday_forms_of_the_constructive_moves() {
    assert_all_tagged(
        Tag::Validation,
        &[
            "Oh, that's the worst.",
            "That sounds properly grim.",
            "Ugh, that's rubbish.",
            "That's a proper hard feeling to sit with.",
            "That would rattle anybody.",
            "You've got every right to be cross.",
            "Course you're upset.",
            "Of course tonight's hard.",
            "That's a fair worry.",
            "Crying at the wedding is only human.",
            "Nobody would blame you.",
            "You don't have to be strong with me.",
            "It can't be easy.",
            "Totally get it.",
        ],
    );
    assert_all_tagged(
        Tag::Accountability,
        &[
            "Guilty.",
            "I crossed a line with that joke.",
            "I took it out on you and you didn't deserve it.",
            "I had no right to read it.",
            "It was unkind, and I knew it.",
            "I really regret saying it.",
            "You deserved better than that.",
        ],
    );
    assert_tags("Fair, I did.", "You ate the last of the cake.", &[Tag::Accountability]);
    assert_tags("I did.", "Did you get the milk?", &[]);
    assert_all_tagged(
        Tag::Commitment,
        &[
            "Consider it sorted.",
            "Leave Friday with me.",
            "I've put it in my diary.",
            "I've set two alarms.",
            "Painting the fence Sunday, no excuses.",
            "I'll grab the tickets on my way home.",
            "I'll be outside at six.",
            "Won't happen again.",
        ],
    );
    assert_all_tagged(
        Tag::SelfRegulation,
        &[
            "Let me get a glass of water and then I'll explain.",
            "Let's stop for now and pick it up after tea.",
            "I need a second. I'll be right back.",
            "Twenty minutes on my own and I'll come and find you.",
            "Let's both take ten and regroup.",
            "Can we talk Saturday morning, when I'm calmer?",
            "Can I have five minutes to cool off and then ring you back?",
        ],
    );
    assert_all_tagged(
        Tag::RespectDifferences,
        &[
            "You do you.",
            "Your brother's entitled to his opinion.",
            "I don't need you to agree with me.",
            "We'll meet in the middle.",
            "Both valid.",
            "I'm a planner, you're a spontaneous one.",
            "I can see your reasons.",
            "I'm happy to try it your way.",
        ],
    );
    assert_all_tagged(
        Tag::Criticism,
        &[
            "That's typical of you.",
            "That's you all over.",
            "What is it with you and lateness?",
            "Can't you do one thing right?",
            "You've got no sense of timing.",
            "You do what works for you and nobody else.",
            "Why is everything such a drama with you?",
            "You'd forget your head.",
            "You don't listen to a word.",
            "You're such a killjoy.",
            "You're so uptight.",
        ],
    );
    assert_all_tagged(
        Tag::UnsolicitedAdvice,
        &[
            "Couldn't you just say no?",
            "Perhaps cut back on the coffee.",
            "What I'd do is ring them first thing.",
            "It might be worth asking for a raise.",
            "Might be time to find a new gym.",
            "What about trying earplugs?",
            "Maybe it'd help to write it down.",
        ],
    );
    // Look-alikes: sarcasm, a request, an answer, and one's own bad day.
    assert_none_tagged(Tag::Validation, &["Course you do.", "It's been the worst day of my life."]);
    assert_none_tagged(
        Tag::UnsolicitedAdvice,
        &["Could you pass the salt?", "Could you just grab milk on the way home?"],
    );
    assert_none_tagged(Tag::RespectDifferences, &["I'm a teacher, you're a nurse."]);
    assert_none_tagged(Tag::Commitment, &["I promise nothing.", "Leaving now is fine."]);
}

/// Scorn, excuses, shutdowns and brush-offs in words the textbook lists leave out, and the
/// constructive moves in everyday words (the ninth and tenth gap-finding sets). Many of them are
/// ordinary words elsewhere, so they count only in answer to a charge, a hurt or a plea.
#[test]
fn breakdowns_and_moves_in_their_everyday_words_are_recognised() {
    assert_all_tagged(
        Tag::Contempt,
        &[
            "Says the woman who leaves the lights on in every room.",
            "Bit rich, that.",
            "Oh, the injustice.",
            "Someone ring the UN, the bins are late.",
            "And here come the waterworks.",
            "Honestly, I'm embarrassed for you.",
            "Go on, have a good look at yourself.",
            "A grown man sulking over a board game.",
            "You want everything spelled out for you.",
            "Thanks, officer, the washing-up police have spoken.",
            "Some of us have standards.",
            "Yes, Captain Obvious.",
            "What's to admire?",
            "Go on then, enlighten me.",
            "Cleaned is a bold word for it.",
            "Helping is generous.",
            "Riveting stuff, as usual.",
            "You're clearly incapable of reading a map.",
            "You think your birthday is the centre of the universe.",
            "Right, because you've pitched in so much this year.",
            "You'll be milking this for a month.",
            "Only took you six weeks.",
            "Don't quit your day job.",
            "Congrats, I guess.",
        ],
    );
    assert_all_tagged(
        Tag::Defensiveness,
        &[
            "He started it, I only answered back.",
            "In fairness, you forgot my mum's birthday.",
            "Can't win with you.",
            "Somehow I'm the one in the wrong again.",
            "I'm not the only person round here who leaves cups out.",
            "You're twisting everything.",
        ],
    );
    // Answers to a charge: the charge named, then the reply.
    assert_answers_tagged(
        Tag::Defensiveness,
        &[
            ("You didn't ring the landlord.", "I did ring him, twice."),
            ("You forgot to feed the cat.", "I did feed her, she's just greedy."),
            ("Why didn't you empty the dishwasher?", "Because I've been up since six sorting the kids."),
            ("You were so late again.", "The train was cancelled."),
            ("You never help with homework.", "I'm doing the best I can."),
            ("You left the shed unlocked.", "Take it up with your brother."),
            ("You were rude to the waiter.", "Someone had to say it."),
            ("Why didn't you book the vet?", "Why must it always be me?"),
            ("I'm hurt that you forgot.", "Why am I being lectured about this?"),
            ("You said you'd fix the gate.", "You can't hold me to something I said at midnight."),
            ("You forgot our anniversary.", "So I'd say we're even."),
            ("You left the gate open.", "Could have been anyone."),
            ("You were so rude to my mum.", "Did I, though?"),
            ("You didn't tell me about the bill.", "Was I supposed to read your mind?"),
            ("You didn't do the washing.", "Yeah, and who paid for the holiday?"),
            ("You never help in the garden.", "I don't hear you thanking me for the hedge."),
            ("You left mud on the carpet.", "Don't look at me."),
            ("You've been so grumpy tonight.", "In case you hadn't noticed, I work nights."),
            ("You never told me your mum was coming.", "I'm sure I mentioned it at breakfast."),
            ("You've been drinking a lot lately.", "What do you expect?"),
            ("You forgot to call the plumber.", "Nobody asked me to."),
        ],
    );
    // The same words that answer no charge, or that own it.
    assert_no_answer_tagged(
        Tag::Defensiveness,
        &[
            ("Did you manage to ring the landlord?", "I did ring him, twice."),
            ("You said you'd cancel the gym.", "I did say that, and I didn't do it. I'm sorry."),
            ("You didn't have to bring anything!", "I did bring wine though."),
            ("Why are you so happy today?", "Because I was at the doctor's and the scan was clear!"),
            ("I'll get the taxi since you paid for dinner.", "Perfect, then we're even."),
        ],
    );
    assert_all_tagged(Tag::Stonewalling, &["I'm done explaining myself.", "Fine, have it your way."]);
    assert_answers_tagged(
        Tag::Stonewalling,
        &[
            ("Can you at least tell me what's wrong?", "Doesn't matter."),
            ("Please talk to me.", "Got to go."),
            ("Can we talk about last night?", "End of."),
            ("You can't just walk out every time.", "Watch me."),
        ],
    );
    assert_no_answer_tagged(
        Tag::Stonewalling,
        &[
            ("She said not to say anything to him.", "Okay."),
            ("Can you tell me if you want chips or mash?", "Doesn't matter."),
            ("I bet you can't eat that whole pizza.", "Watch me!"),
        ],
    );
    assert_all_tagged(
        Tag::Minimizing,
        &[
            "Surely you're past it by now.",
            "Better to look forward.",
            "Devastated's a bit strong.",
            "You're reading far too much into it.",
            "You're making a mountain out of a molehill.",
            "Stop catastrophising.",
        ],
    );
    // Said to the partner's hurt, these brush it off; said to anything else, they are ordinary words.
    for reply in [
        "Chin up, it's the weekend.",
        "You'll shake it off.",
        "Let's not make it into a big drama.",
        "Worrying isn't going to fix it.",
        "In a month you won't even remember it.",
        "It's just money.",
        "There's plenty more jobs out there.",
        "There are people who can't even get an interview.",
        "Nothing to be upset about.",
        "It can't have been that bad.",
        "You're gonna be fine.",
    ] {
        assert!(tags(reply, "I'm really upset about it.").contains(&Tag::Minimizing), "{reply:?}");
        assert!(!tags(reply, "How was the match?").contains(&Tag::Minimizing), "{reply:?} to a question");
    }
    assert_none_tagged(
        Tag::Minimizing,
        &["I need a little while to shake it off.", "I'm going out to calm down, back in twenty minutes."],
    );
    assert_all_tagged(
        Tag::SelfRegulation,
        &[
            "I'm too wound up to answer properly, I'll come back to you in an hour.",
            "I'm stepping out to get some air, then I'll come back.",
            "I need a bit to calm down, but I'll call you at six.",
            "Quick breather, then we pick this up again?",
            "Twenty minutes, then we start again.",
        ],
    );
    assert_none_tagged(Tag::SelfRegulation, &["A short break by the sea would be perfect, let's look tonight."]);
    assert_all_tagged(
        Tag::RespectDifferences,
        &[
            "I see that it's not how you were raised.",
            "Your football matters so much to you, even if I'll never get it.",
            "We might not agree on this, and that's fine.",
            "I'd love to do the birthday your way this year.",
            "You're just wired differently.",
            "You're a worrier and I'm more of a doer.",
            "I won't force my music on you.",
            "You're allowed to vote how you like.",
            "We were brought up differently.",
            "We're so different about holidays.",
            "That's your call and I respect it.",
            "I'd rather understand where you're coming from than win.",
        ],
    );
    assert_none_tagged(
        Tag::RespectDifferences,
        &["I know that's not how you see it, but you're being ridiculous.", "We learned a different route home."],
    );
    assert_all_tagged(
        Tag::Validation,
        &[
            "It's completely understandable that you're hurt.",
            "You're right to be cross.",
            "You're allowed to feel that.",
            "I'd be losing my mind in your place.",
            "You didn't deserve that.",
            "Honestly, you're human.",
        ],
    );
    for reply in ["Aw, come here.", "It's understandable."] {
        assert!(tags(reply, "I'm so embarrassed.").contains(&Tag::Validation), "{reply:?}");
        assert!(!tags(reply, "Where are you?").contains(&Tag::Validation), "{reply:?} to a question");
    }
    // A feeling allowed is no difference of views; one's own act judged is owning it.
    assert_none_tagged(Tag::RespectDifferences, &["You're allowed to feel that."]);
    assert_none_tagged(Tag::Validation, &["That was rude of me.", "Of course you did."]);
    assert_all_tagged(Tag::Accountability, &["That was unfair of me.", "It was really thoughtless of me."]);
}

/// A statement about the partner that already does something else is that, not a reflection.
#[test]
fn a_statement_that_validates_or_owns_is_no_reflection_as_well() {
    assert_tags(
        "You've every reason to be angry.",
        "I'm still angry about the money you lent your brother.",
        &[Tag::Validation],
    );
    assert_tags(
        "You're allowed to be upset about that.",
        "I know it's stupid but I'm still upset about what she said.",
        &[Tag::Validation],
    );
    // Still a reflection when it does nothing else.
    assert_tags(
        "So you carried bedtime all week.",
        "I did bedtime every night this week.",
        &[Tag::ReflectiveListening],
    );
}

/// "Typical." judges the partner only when it answers what they did; someone else's apology
/// reported is no "sorry, but".
#[test]
fn typical_and_a_reported_sorry_read_in_their_context() {
    assert_tags("Typical.", "I left my keys at work again.", &[Tag::Criticism]);
    assert_tags("Typical.", "The bus is stuck in traffic again.", &[]);
    assert_tags("He said he's sorry but he can't make Friday.", "Is your brother coming?", &[]);
    assert_tags("I'm sorry, but you started it.", "", &[Tag::Defensiveness]);
}
