// Makes this server the one member of the replica set MONGODB_REPLICA_SET, under the name
// MONGODB_MEMBER_HOST (<pod>.mongodb:27017, which the headless Service resolves), unless a set is
// configured already: safe at every start. Run by the StatefulSet's postStart hook as root. On the
// image's temporary first-start server, which runs without --replSet, rs.status() fails with
// NoReplicationEnabled: the hook tries again until the real server answers.
const { MONGODB_REPLICA_SET, MONGODB_MEMBER_HOST } = process.env;

try {
  rs.status();
} catch (error) {
  if (error.codeName !== 'NotYetInitialized') throw error;
  rs.initiate({ _id: MONGODB_REPLICA_SET, members: [{ _id: 0, host: MONGODB_MEMBER_HOST }] });
}
