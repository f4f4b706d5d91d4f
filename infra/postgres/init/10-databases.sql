-- Each service owns its database; no service reads another's.
CREATE DATABASE auth;
CREATE DATABASE blog;
