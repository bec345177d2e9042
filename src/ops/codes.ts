import { defineCodes } from '../core/index.ts';

/** Stable codes of the operator console and its accounts (docs/console.md). */
export const opsCodes = defineCodes({
  OPERATOR_INVALID: {
    http: 400,
    meaning: 'An operator name, role or password does not follow the rules.',
    vi: 'Tên, vai trò hoặc mật khẩu của tài khoản quản trị không hợp lệ',
    action:
      'Names are 1-64 of A-Z a-z 0-9 . _ @ -; roles are admin, operator, viewer; passwords have at least 12 characters.',
  },
  OPERATOR_EXISTS: {
    http: 409,
    meaning: 'An operator account with this name exists already.',
    vi: 'Tài khoản quản trị có tên này đã tồn tại',
    action: 'Choose another name, or set a new password with `lienthong operator password NAME`.',
  },
  OPERATOR_NOT_FOUND: {
    http: 404,
    meaning: 'No operator account has this name.',
    vi: 'Không tìm thấy tài khoản quản trị có tên này',
    action: 'List the accounts with `lienthong operator list`.',
  },
  OPERATOR_LAST_ADMIN: {
    http: 409,
    meaning: 'The account is the last admin: without one, nobody could manage accounts in the console.',
    vi: 'Đây là tài khoản có vai trò quản trị cuối cùng, không thể thay đổi',
    action: 'Add another admin first (`lienthong operator add --name … --role admin`).',
  },
  LOGIN_FAILED: {
    http: 401,
    meaning:
      'The console login failed: the user name or the password is wrong (the answer does not say which).',
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng',
    action: 'Check both; an admin can set a new password with `lienthong operator password NAME`.',
  },
  LOGIN_LOCKED: {
    http: 429,
    meaning:
      'The account is locked after repeated failed logins (LIENTHONG_CONSOLE_MAX_FAILURES in a row, for LIENTHONG_CONSOLE_LOCK_MINUTES).',
    vi: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần',
    action: 'Wait until the time in `details.until`, or have an admin set a new password (that unlocks it).',
  },
  CONSOLE_LOGIN_REQUIRED: {
    http: 401,
    meaning: 'The console page or action needs a logged-in operator (no session, or it expired).',
    vi: 'Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn',
    action: 'Log in at /console/login.',
  },
  CONSOLE_FORBIDDEN: {
    http: 403,
    meaning:
      "The operator's role does not allow this action (viewers read; operators retry and pause; admins manage).",
    vi: 'Vai trò của tài khoản không được phép thực hiện thao tác này',
    action: 'Ask an admin to do it, or to change your role.',
  },
  CONSOLE_CSRF: {
    http: 403,
    meaning:
      'A console change came without the form token of the session, or from another site: it was not made.',
    vi: 'Thao tác bị từ chối do phiên biểu mẫu không hợp lệ',
    action: 'Reload the page and submit the form again.',
  },
});
