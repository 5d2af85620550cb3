// The anchor app of `npm run bench` (see app/api/auth/[...nextauth]/route.js).
export default { poweredByHeader: false };
