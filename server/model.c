/* model.c: lifecycle helpers of the stored objects (model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

void model_set(char **field, const char *value)
{
	char *copy = value ? strdup(value) : NULL;
	free(*field);
	*field = copy;
}

void user_release(struct user *u)
{
	char **strs[] = {&u->id, &u->username, &u->discriminator, &u->display_name, &u->pronouns,
			 &u->avatar, &u->relations, &u->status_text, &u->status_presence,
			 &u->profile_content, &u->profile_background, &u->bot_owner};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (*strs[i])
			free(*strs[i]);
	memset(u, 0, sizeof(*u));
}

void bot_release(struct bot *b)
{
	char **strs[] = {&b->id, &b->owner, &b->token, &b->interactions_url,
			 &b->terms_of_service_url, &b->privacy_policy_url, &b->oauth2};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (*strs[i])
			free(*strs[i]);
	memset(b, 0, sizeof(*b));
}
