// Run by the image's entrypoint on the first start only (an empty volume), as the root user: the
// chat's own user, allowed to read and write its database (collections, indexes, change streams)
// and nothing else. The chat's MONGO_URL names this user and database, with no authSource: a user
// is found in the database it was created in.
const { MONGODB_CHAT_USER, MONGODB_CHAT_PASSWORD, MONGODB_CHAT_DATABASE } = process.env;

db.getSiblingDB(MONGODB_CHAT_DATABASE).createUser({
  user: MONGODB_CHAT_USER,
  pwd: MONGODB_CHAT_PASSWORD,
  roles: [{ role: 'readWrite', db: MONGODB_CHAT_DATABASE }],
});
