/**
 * License file texts for the tests, written for them in the shape of the real files: the
 * title, a copyright line, and a few of the distinctive clauses, wrapped and punctuated the
 * way published LICENSE files are. They are abridged on purpose (no full license texts).
 */

export const MIT_TEXT = `MIT License

Copyright (c) 2019 Jane Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
`;

/** The same license re-wrapped as Markdown with emphasis and a block quote. */
export const MIT_MARKDOWN = `# The MIT License (MIT)

_Copyright © 2021 Example Org_

> **Permission is hereby granted**, *free of charge*, to any person
> obtaining a copy of this software ... to do so, subject to the
> following conditions:
>
> The above copyright notice and this permission notice shall be
> included in all copies or substantial portions of the Software.
`;

export const ISC_TEXT = `ISC License

Copyright (c) 2015, Example Maintainer <maintainer@example.test>

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES.
`;

export const ZERO_BSD_TEXT = `Copyright (C) 2020 by Example <dev@example.test>

Permission to use, copy, modify, and/or distribute this software for any purpose
with or without fee is hereby granted.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES.
`;

const BSD_HEAD = `Copyright (c) 2012, Example Project
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice,
   this list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation.
`;

export const BSD2_TEXT = `BSD 2-Clause License\n\n${BSD_HEAD}
THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS".
`;

export const BSD3_TEXT = `${BSD_HEAD}3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.
`;

export const APACHE_TEXT = `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.
`;

/** The per-file notice some projects ship as their whole LICENSE. */
export const APACHE_NOTICE = `Copyright 2020 Example Corp.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
`;

export const GPL3_TEXT = `                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc.
 Everyone is permitted to copy and distribute verbatim copies
 of this license document, but changing it is not allowed.

                            Preamble

  The GNU General Public License is a free, copyleft license for
software and other kinds of works.

  [...]

  This program is free software: you can redistribute it and/or modify
  it under the terms of the GNU General Public License as published by
  the Free Software Foundation, either version 3 of the License, or
  (at your option) any later version.

  [...] If this is what you want to do, use the GNU Lesser General
Public License instead of this License.
`;

export const GPL2_TEXT = `		    GNU GENERAL PUBLIC LICENSE
		       Version 2, June 1991

  The licenses for most software are designed to take away your
freedom to share and change it.  By contrast, the GNU General Public
License is intended to guarantee your freedom to share and change free
software--to make sure the software is free for all its users.
`;

export const LGPL21_TEXT = `		  GNU LESSER GENERAL PUBLIC LICENSE
		       Version 2.1, February 1999

  This license, the Lesser General Public License, applies to some
specially designated software packages--typically libraries--of the
Free Software Foundation and other authors who decide to use it.
By contrast, the GNU General Public Licenses are intended to guarantee
your freedom to share and change free software.
`;

export const LGPL3_TEXT = `                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.
`;

export const AGPL3_TEXT = `                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007

  The GNU Affero General Public License is a free, copyleft license for
software and other kinds of works, specifically designed to ensure
cooperation with the community in the case of network server software.
`;

export const MPL2_TEXT = `Mozilla Public License Version 2.0
==================================

1. Definitions
--------------

1.1. "Contributor"
    means each individual or legal entity that creates, contributes to
    the creation of, or owns Covered Software.
`;

export const UNLICENSE_TEXT = `This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
binary, for any purpose, commercial or non-commercial, and by any means.
`;

export const CC0_TEXT = `Creative Commons Legal Code

CC0 1.0 Universal

Statement of Purpose

The laws of most jurisdictions throughout the world automatically confer
exclusive Copyright and Related Rights upon the creator.
`;

/** The GNU per-file notice with the "or later" grant, used alone as a LICENSE. */
export const GPL2_LATER_NOTICE = `Copyright (C) 2010 Example

This program is free software; you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation; either version 2 of the License, or
(at your option) any later version.
`;

export const PROPRIETARY_TEXT = `EXAMPLE CORP SOFTWARE LICENSE AGREEMENT

Copyright (c) 2023 Example Corp. All rights reserved.

This software is the confidential and proprietary information of Example
Corp. It may not be copied or distributed without a signed agreement.
`;

export const COMMONS_CLAUSE_TEXT = `"Commons Clause" License Condition v1.0

The Software is provided to you by the Licensor under the License, as
defined below, subject to the following condition.
[...]
${APACHE_TEXT}`;

/** License-like text that is no known license. */
export const CUSTOM_TEXT = `The Example Friendly License

You may use this library in any project you like, as long as you send
the author a postcard from your home town.
`;
