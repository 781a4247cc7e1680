/* auth.c: headers -> caller (see auth.h). */
#include "auth.h"

#include "store.h"

enum principal_kind auth_resolve(struct request *rq)
{
	user_release(&rq->caller_copy);
	rq->caller = &rq->caller_copy;
	if (rq->bot_token) {
		/* REAL: users/rocket.rs - an x-bot-token decides alone, even when empty or
		 * beside a valid x-session-token */
		rq->who = store_user_by_bot_token(rq->bot_token, &rq->caller_copy) == 1 ? PRINCIPAL_BOT
										 : PRINCIPAL_INVALID;
	} else if (rq->oauth2_token) {
		/* REAL: feat/oauth2 users/rocket.rs - without an x-bot-token, an
		 * x-oauth2-token decides alone (checked before x-session-token); no bots
		 * route declares a scope, so it never yields a caller here */
		rq->who = PRINCIPAL_INVALID;
	} else if (rq->session_token) {
		rq->who = store_user_by_session(rq->session_token, &rq->caller_copy, &rq->caller) == 1 ? PRINCIPAL_USER
										     : PRINCIPAL_INVALID;
	} else {
		rq->who = PRINCIPAL_NONE;
	}
	if (rq->who != PRINCIPAL_USER && rq->who != PRINCIPAL_BOT) {
		user_release(&rq->caller_copy);
		rq->caller = &rq->caller_copy;
	}
	return rq->who;
}

const char *auth_header_kind(const struct request *rq)
{
	if (rq->bot_token)
		return "bot";
	if (rq->session_token)
		return "session";
	if (rq->oauth2_token)
		return "oauth2";
	return "none";
}
