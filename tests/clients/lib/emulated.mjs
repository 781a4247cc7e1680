// emulated.mjs: the operations of the OpenAPI document stoat-mock emulates, as the
// document names them: conformance.mjs refuses a 501 NotEmulated for one of them,
// report.mjs requires each to be seen succeeding (and failing, when it can).
// server/routes.c is the table itself; tools/openapi-routes/gen.js derives the rest.
export const EMULATED = [
  ["GET /", false],
  ["GET /users/@me", true],
  ["GET /users/{target}", true],
  ["POST /bots/create", true],
  ["GET /bots/@me", true],
  ["GET /bots/{bot}", true],
  ["PATCH /bots/{target}", true],
  ["DELETE /bots/{target}", true],
  ["GET /bots/{target}/invite", true],
  ["POST /bots/{target}/invite", true],
]; // [route, has error answers]
