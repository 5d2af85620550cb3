"use server";

import { signOut } from "./index";

/** The sign-out button's server action (Auth.js checks the action's origin for us). */
export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
